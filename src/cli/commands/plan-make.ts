import type { Command } from "commander";

/** Adds the maker's arguments, options and action to the `plan` command itself. */
export function addPlanMakeOptions(command: Command): Command {
  return command.description("(being built)");
}
