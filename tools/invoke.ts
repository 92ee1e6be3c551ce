import type { ZodError } from "zod";
import { UsageError } from "../src/errors.js";
import type { AnyTool, ToolContext } from "./define-tool.js";

/** A tool was called with input its schema rejects. Exit 2 on the CLI; a recoverable result for a model. */
export class ToolInputError extends UsageError {
  readonly tool: string;
  /** One line per problem, each naming the field: "limit: Number must be less than or equal to 1000". */
  readonly problems: readonly string[];

  constructor(tool: string, problems: readonly string[], hint?: string) {
    super(`invalid input for ${tool}: ${problems.join("; ")}`, { hint });
    this.tool = tool;
    this.problems = problems;
  }

  static fromZod(tool: string, error: ZodError): ToolInputError {
    const problems = error.issues.map((issue) => {
      const field = issue.path.length > 0 ? issue.path.join(".") : "input";
      if (issue.code === "unrecognized_keys") return `${field}: unknown field(s) ${issue.keys.join(", ")}`;
      return `${field}: ${issue.message}`;
    });
    return new ToolInputError(tool, problems);
  }
}

/** The one way a tool runs: input checked against the tool's own schema, then its `run`. */
export async function invokeTool(ctx: ToolContext, tool: AnyTool, input: unknown): Promise<unknown> {
  const parsed = tool.input.safeParse(input ?? {});
  if (!parsed.success) throw ToolInputError.fromZod(tool.name, parsed.error);
  ctx.signal?.throwIfAborted();
  return tool.run(ctx, parsed.data);
}

/** Parses input for a tool without running it, e.g. to compute its view afterwards with the same defaults. */
export function parseToolInput(tool: AnyTool, input: unknown): unknown {
  const parsed = tool.input.safeParse(input ?? {});
  if (!parsed.success) throw ToolInputError.fromZod(tool.name, parsed.error);
  return parsed.data;
}
