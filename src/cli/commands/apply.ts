import { Command } from "commander";

export function applyCommand(): Command {
  return new Command("apply").description("(being built)");
}
