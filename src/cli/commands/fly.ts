import { Command } from "commander";

export function flyCommand(): Command {
  return new Command("fly").description("(being built)");
}
