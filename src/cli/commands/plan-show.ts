import { Command } from "commander";

export function planShowCommand(): Command {
  return new Command("show").description("(being built)");
}
