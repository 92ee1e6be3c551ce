import { CommanderError } from "commander";
import { FlyopsError, type ExitCode } from "../errors.js";
import { terminalSafe } from "../security/terminal-safe.js";
import { interruption } from "./interrupt.js";

/**
 * The one place where errors become exit codes and text on stderr. User mistakes and API
 * failures print a line and a hint; only an unexpected error (a bug) mentions a stack trace,
 * and only when FLYOPS_DEBUG is set. A message may quote a plan, a tool result or an API's answer:
 * it is printed terminal-safe, its own line breaks kept.
 */
export function handleError(
  error: unknown,
  raw: (line: string) => void = (l) => process.stderr.write(l),
): ExitCode {
  const write = (text: string): void => raw(terminalSafe(text, "lines"));
  if (error instanceof CommanderError) {
    // Commander already printed its message; help and version are successes.
    if (
      error.code === "commander.helpDisplayed" ||
      error.code === "commander.version" ||
      error.exitCode === 0
    ) {
      return 0;
    }
    return 2;
  }
  // After Ctrl-C, whatever the aborted work threw is reported as the interruption it is.
  const interrupted = interruption(error);
  if (interrupted) {
    write(`${interrupted.message}\n`);
    if (interrupted.hint) write(`hint: ${interrupted.hint}\n`);
    return interrupted.exitCode;
  }
  if (error instanceof FlyopsError) {
    write(`error: ${error.message}\n`);
    if (error.hint) write(`hint: ${error.hint}\n`);
    if (process.env.FLYOPS_DEBUG && error.cause instanceof Error) write(`${error.cause.stack ?? ""}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  write(`error: unexpected failure: ${message}\n`);
  if (process.env.FLYOPS_DEBUG && error instanceof Error) write(`${error.stack ?? ""}\n`);
  else write("hint: this is a bug in flyops; run again with FLYOPS_DEBUG=1 for details and report it\n");
  return 1;
}
