import { Command } from "commander";

export function askCommand(): Command {
  return new Command("ask").description("(being built)");
}
