import type { z } from "zod";
import type { FlyClients } from "../src/fly/clients.js";
import type { FlyWpApi } from "../src/flywp/api.js";
import type { Logger } from "../src/logger.js";
import type { StepKnowledge } from "./step-knowledge.js";

/** Risk is a property of the tool, never of what a model or a plan claims about it. */
export type Access = "read" | "write" | "destructive";

/** The system a tool talks to. The catalog decides which fronts offer it; nothing else asks. */
export type Provider = "fly" | "flywp";
export const PROVIDERS: readonly Provider[] = ["fly", "flywp"];

export interface ToolContext {
  fly: FlyClients;
  /** FlyWP's API, when a FlyWP token is configured (flywp.api_token, FLYWP_API_TOKEN) or --sandbox. */
  flywp?: FlyWpApi;
  /** Org filter from configuration; undefined means every org the token can see. */
  org: string | undefined;
  /** Default app (from --app, FLY_APP or ./fly.toml), offered to prompts; tools take `app` explicitly. */
  app: string | undefined;
  signal: AbortSignal | undefined;
  log: Logger;
  /** The clock time windows ("1h", "7d") count back from; Date.now when unset. Tests fix it. */
  now?: () => number;
}

/** Now, as the tools count time windows: the context's clock, else the system's. */
export function nowOf(ctx: { now?: () => number }): number {
  return ctx.now?.() ?? Date.now();
}

/**
 * How the static commands offer a tool without a model: `flyops fly VERB NOUN [ID]`, e.g.
 * `fly list machines`, `fly get volume ID`, `fly stop machine ID`.
 */
export interface StaticCommand {
  verb: string;
  noun: string;
  /** The input field the command's ID argument fills, e.g. "machine_id". */
  id?: string;
  /** A listing across every app of the org (or of every org), offered as `--all`. */
  across?: boolean;
  /** Offered as `flyops fly VERB` alone (`fly status`, `fly releases`); `noun` names what it shows. */
  bare?: boolean;
}

interface ToolBase<I extends z.ZodTypeAny, O> {
  name: string;
  description: string;
  /** The system it talks to; "fly" when unset. */
  provider?: Provider;
  input: I;
  command?: StaticCommand;
  // Method syntax on purpose: it lets a ToolDefinition<I, O> stand in the catalog as AnyTool.
  run(ctx: ToolContext, input: z.infer<I>): Promise<O>;
  /** What a model or a table sees: a compact projection of the result, never the raw API JSON. */
  view(output: O, input: z.infer<I>): unknown;
}

export interface ReadToolDefinition<I extends z.ZodTypeAny = z.ZodTypeAny, O = unknown> extends ToolBase<
  I,
  O
> {
  access: "read";
}

/** A tool that changes something carries what plans, reviews and `--resume` need to know about it. */
export interface WriteToolDefinition<I extends z.ZodTypeAny = z.ZodTypeAny, O = unknown> extends ToolBase<
  I,
  O
> {
  access: "write" | "destructive";
  step: StepKnowledge<z.infer<I>, O>;
}

export type ToolDefinition<I extends z.ZodTypeAny = z.ZodTypeAny, O = unknown> =
  ReadToolDefinition<I, O> | WriteToolDefinition<I, O>;

/** Identity helper: keeps the input and output types of one tool tied together. */
export function defineTool<I extends z.ZodTypeAny, O>(
  def: ReadToolDefinition<I, O>,
): ReadToolDefinition<I, O>;
export function defineTool<I extends z.ZodTypeAny, O>(
  def: WriteToolDefinition<I, O>,
): WriteToolDefinition<I, O>;
export function defineTool<I extends z.ZodTypeAny, O>(def: ToolDefinition<I, O>): ToolDefinition<I, O> {
  return def;
}

/** A catalog entry with its input and output types erased. */
export type AnyTool = ToolDefinition<z.ZodTypeAny, unknown>;
export type AnyWriteTool = WriteToolDefinition<z.ZodTypeAny, unknown>;

export function providerOf(tool: Pick<AnyTool, "provider">): Provider {
  return tool.provider ?? "fly";
}

export function isWriteTool(tool: AnyTool): tool is AnyWriteTool {
  return tool.access !== "read";
}
