import { Command } from "commander";

export function authCommand(): Command {
  return new Command("auth").description("(being built)");
}
