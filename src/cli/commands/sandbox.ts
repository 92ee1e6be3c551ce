import { Command } from "commander";

export function sandboxCommand(): Command {
  return new Command("sandbox").description("(being built)");
}
