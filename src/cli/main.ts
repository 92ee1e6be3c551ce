#!/usr/bin/env node
import { handleError } from "./handle-error.js";
import { buildProgram } from "./program.js";

try {
  await (await buildProgram(process.argv)).parseAsync(process.argv);
} catch (error) {
  process.exitCode = handleError(error);
}
