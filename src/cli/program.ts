import { Command } from "commander";
import { applyCommand } from "./commands/apply.js";
import { askCommand } from "./commands/ask.js";
import { authCommand } from "./commands/auth.js";
import { flyCommand } from "./commands/fly.js";
import { historyCommand } from "./commands/history.js";
import { planCommand } from "./commands/plan.js";
import { sandboxCommand } from "./commands/sandbox.js";
import { processIo } from "./output.js";
import { VERSION } from "../version.js";

/** Builds the whole command tree. Kept apart from main.ts so tests can parse argv in-process. */
export function buildProgram(): Command {
  const program = new Command("flyops")
    .description(
      "An agent for Fly.io operators: ask questions in plain English, turn change requests into reviewed plan files, apply approved plans safely.",
    )
    .version(VERSION)
    .showHelpAfterError("(run with --help for usage)")
    // Options after a subcommand belong to it: `plan show FILE --json` is show's --json, not plan's.
    .enablePositionalOptions()
    .exitOverride();
  for (const command of [
    askCommand(),
    planCommand(),
    applyCommand(),
    flyCommand(),
    authCommand(),
    historyCommand(),
    sandboxCommand(),
  ]) {
    program.addCommand(command);
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
