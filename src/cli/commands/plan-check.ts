import { Command } from "commander";

export function planCheckCommand(): Command {
  return new Command("check").description("(being built)");
}
