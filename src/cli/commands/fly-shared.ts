/** What the static commands share: their runtime and output flags, and how options are checked. */
import type { Command } from "commander";
import { z } from "zod";
import type { AnyTool } from "../../../tools/define-tool.js";
import { addRuntimeOptions } from "../runtime.js";

export const commonOptions = {
  app: z.string().optional(),
  org: z.string().optional(),
  sandbox: z.boolean().default(false),
  json: z.boolean().default(false),
  raw: z.boolean().default(false),
};

export function withOutputOptions(command: Command): Command {
  addRuntimeOptions(command);
  return command
    .option("--json", "print the full result as JSON only, on stdout")
    .option("--raw", "alias of --json");
}

/** The names of a tool's input fields. */
export function inputFields(tool: AnyTool): Set<string> {
  return tool.input instanceof z.ZodObject ? new Set(Object.keys(tool.input.shape as object)) : new Set();
}
