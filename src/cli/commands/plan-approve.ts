import { Command } from "commander";

export function planApproveCommand(): Command {
  return new Command("approve").description("(being built)");
}
