import { InterruptedError } from "../errors.js";

/**
 * Ctrl-C. The first one aborts the running command through the signal every command passes down
 * (HTTP calls, waits and model streams end at once), and the command ends with one line saying
 * what was interrupted; `apply` adds how to resume. A second one ends the process at once.
 */
const controller = new AbortController();

export const interruptSignal: AbortSignal = controller.signal;

export function handleInterrupts(commandLine: string, write: (text: string) => void): void {
  process.once("SIGINT", () => {
    controller.abort(new InterruptedError(`interrupted: ${commandLine}`));
    process.once("SIGINT", () => {
      write(`interrupted again: ${commandLine} stopped at once\n`);
      process.exit(130);
    });
  });
}

/** The interruption to report for `error`: itself, or the Ctrl-C that made the command fail. */
export function interruption(error: unknown): InterruptedError | undefined {
  if (error instanceof InterruptedError) return error;
  const reason: unknown = interruptSignal.reason;
  return interruptSignal.aborted && reason instanceof InterruptedError ? reason : undefined;
}
