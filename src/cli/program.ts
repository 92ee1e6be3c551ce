import { Command } from "commander";
import { COMMANDS } from "./command-index.js";
import { processIo } from "./output.js";
import { VERSION } from "../version.js";

/**
 * The command tree for one run: the command named on the command line is loaded in full, the
 * others stand as their one-line summaries (enough for `flyops --help`). Kept apart from main.ts
 * so tests can parse argv in-process.
 */
export async function buildProgram(argv: readonly string[]): Promise<Command> {
  const program = new Command("flyops")
    .description(
      "An agent for Fly.io operators: ask questions in plain English, turn change requests into reviewed plan files, apply approved plans safely.",
    )
    .version(VERSION)
    .showHelpAfterError("(run with --help for usage)")
    // Options after a subcommand belong to it: `plan show FILE --json` is show's --json, not plan's.
    .enablePositionalOptions()
    .exitOverride();
  const wanted = commandWord(argv.slice(2));
  for (const entry of COMMANDS) {
    if (entry.name === wanted) program.addCommand((await entry.load()).description(entry.summary));
    else program.command(entry.name).description(entry.summary);
  }
  // Commander's own messages (usage errors echo what was typed) and help leave redacted, like the rest.
  const output = { writeOut: processIo.stdout, writeErr: processIo.stderr };
  program.configureOutput(output);
  program.commands.forEach(function override(command: Command): void {
    command.exitOverride();
    command.configureOutput(output);
    command.commands.forEach(override);
  });
  return program;
}

/** The command the arguments run: the first word that is not an option (`help ask` asks for ask). */
function commandWord(args: readonly string[]): string | undefined {
  const words = args.filter((arg) => !arg.startsWith("-"));
  return words[0] === "help" ? words[1] : words[0];
}
