#!/usr/bin/env node
import { handleError } from "./handle-error.js";
import { handleInterrupts, interruption } from "./interrupt.js";
import { processIo } from "./output.js";
import { buildProgram } from "./program.js";

handleInterrupts(["flyops", ...process.argv.slice(2, 4)].join(" "), (text) => process.stderr.write(text));
// Errors leave through the same redacting exit as everything else; what it holds is released last.
try {
  await (await buildProgram(process.argv)).parseAsync(process.argv);
  // A command that finished although Ctrl-C was pressed still says it was interrupted.
  const interrupted = interruption(undefined);
  if (interrupted) process.exitCode = handleError(interrupted, processIo.stderr);
} catch (error) {
  process.exitCode = handleError(error, processIo.stderr);
} finally {
  processIo.flush();
}
