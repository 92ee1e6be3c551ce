#!/usr/bin/env node
import { handleError } from "./handle-error.js";
import { processIo } from "./output.js";
import { buildProgram } from "./program.js";

// Errors leave through the same redacting exit as everything else; what it holds is released last.
try {
  await (await buildProgram(process.argv)).parseAsync(process.argv);
} catch (error) {
  process.exitCode = handleError(error, processIo.stderr);
} finally {
  processIo.flush();
}
