import type { z } from "zod";
import type { FlyClients } from "../src/fly/clients.js";
import type { Logger } from "../src/logger.js";

/** Risk is a property of the tool, never of what a model or a plan claims about it. */
export type Access = "read" | "write" | "destructive";

export interface ToolContext {
  fly: FlyClients;
  /** Org filter from configuration; undefined means every org the token can see. */
  org: string | undefined;
  /** Default app (from --app, FLY_APP or ./fly.toml), offered to prompts; tools take `app` explicitly. */
  app: string | undefined;
  signal: AbortSignal | undefined;
  log: Logger;
}

export interface ToolDefinition<I extends z.ZodTypeAny = z.ZodTypeAny, O = unknown> {
  name: string;
  description: string;
  access: Access;
  input: I;
  // Method syntax on purpose: it lets a ToolDefinition<I, O> stand in the catalog as AnyTool.
  run(ctx: ToolContext, input: z.infer<I>): Promise<O>;
  /** What a model or a table sees: a compact projection of the result, never the raw API JSON. */
  view(output: O, input: z.infer<I>): unknown;
}

/** Identity helper: keeps the input and output types of one tool tied together. */
export function defineTool<I extends z.ZodTypeAny, O>(def: ToolDefinition<I, O>): ToolDefinition<I, O> {
  return def;
}

/** A catalog entry with its input and output types erased. */
export type AnyTool = ToolDefinition<z.ZodTypeAny, unknown>;
