import type { ToolContext } from "../../../tools/define-tool.js";
import { findTool } from "../../../tools/index.js";
import { invokeTool } from "../../../tools/invoke.js";
import { FlyApiError } from "../../fly/errors.js";
import type { Precondition } from "../schema/schema.js";
import { partialMatch } from "./match.js";

/**
 * Preconditions: the facts a plan relies on, checked against live state through the catalog's
 * read tools just before anything changes. `expect` is `{exists: true|false}` (a 404 from the API
 * means "does not exist"; for a list tool, "exists" means a non-empty result), or a partial object
 * whose keys must equal the same keys of the tool's result; both may be combined.
 */

export type PreconditionStatus = "holds" | "drift" | "error" | "skipped";

export interface PreconditionCheck {
  index: number;
  /** "machines_get app=web machine_id=1234": how a person recognises it. */
  label: string;
  status: PreconditionStatus;
  expected: Record<string, unknown>;
  found?: unknown;
  /** Why it could not be checked, or why it was not re-checked. */
  note?: string;
}

export function preconditionLabel(pre: { tool: string; input: Record<string, unknown> }): string {
  const args = Object.entries(pre.input ?? {})
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" ");
  return args ? `${pre.tool} ${args}` : pre.tool;
}

async function readLive(ctx: ToolContext, pre: Precondition): Promise<{ exists: boolean; value: unknown }> {
  const tool = findTool(pre.tool);
  if (!tool) throw new Error(`unknown tool ${pre.tool}`);
  // The validator only lets read tools into preconditions; checking again costs nothing.
  if (tool.access !== "read") throw new Error(`${pre.tool} is a ${tool.access} tool, not a read tool`);
  try {
    const value = await invokeTool(ctx, tool, pre.input);
    return { exists: Array.isArray(value) ? value.length > 0 : value !== undefined && value !== null, value };
  } catch (error) {
    if (error instanceof FlyApiError && error.status === 404) return { exists: false, value: undefined };
    throw error;
  }
}

export async function checkPrecondition(
  ctx: ToolContext,
  pre: Precondition,
  index: number,
): Promise<PreconditionCheck> {
  const label = preconditionLabel(pre);
  const { exists: wantExists, ...partial } = pre.expect ?? {};
  let live: { exists: boolean; value: unknown };
  try {
    live = await readLive(ctx, pre);
  } catch (error) {
    ctx.signal?.throwIfAborted();
    const note = error instanceof Error ? error.message : String(error);
    return { index, label, status: "error", expected: pre.expect, note };
  }
  const found: Record<string, unknown> = {};
  let ok = true;
  if (typeof wantExists === "boolean") {
    found.exists = live.exists;
    ok = live.exists === wantExists;
  }
  if (Object.keys(partial).length > 0) {
    if (!live.exists) {
      found.exists = false;
      ok = false;
    } else {
      const match = partialMatch(partial, live.value);
      ok &&= match.ok;
      Object.assign(found, match.found);
    }
  }
  return { index, label, status: ok ? "holds" : "drift", expected: pre.expect, found };
}

/** Checked one after another: Fly's per-action rate limits are kinder to a sequence, and order is kept. */
export async function checkPreconditions(
  ctx: ToolContext,
  preconditions: readonly Precondition[],
  indexes: readonly number[] = preconditions.map((_, index) => index),
): Promise<PreconditionCheck[]> {
  const checks: PreconditionCheck[] = [];
  for (const index of indexes) {
    const pre = preconditions[index];
    if (pre) checks.push(await checkPrecondition(ctx, pre, index));
  }
  return checks;
}

export function describeCheck(check: PreconditionCheck): string {
  const where = `precondition ${check.index + 1} (${check.label})`;
  switch (check.status) {
    case "holds":
      return `${where}: holds`;
    case "drift":
      return `${where}: expected ${JSON.stringify(check.expected)}, found ${JSON.stringify(check.found)}`;
    case "error":
      return `${where}: could not be checked: ${check.note ?? "unknown error"}`;
    case "skipped":
      return `${where}: ${check.note ?? "not re-checked"}`;
  }
}

interface Target {
  app?: string;
  id?: string;
}

function targetOf(input: Record<string, unknown>): Target {
  const pick = (key: string): string | undefined => (typeof input[key] === "string" ? input[key] : undefined);
  return { app: pick("app"), id: pick("machine_id") ?? pick("volume_id") ?? pick("hostname") ?? pick("ip") };
}

/**
 * Whether a step may have changed what a precondition reads. Preconditions describe the world
 * before the plan's steps: once a step that touches the same thing has run (stopping the machine
 * whose "state: started" was expected), that precondition no longer holds, by design. A raw
 * flyctl step may touch anything. Different apps, or different machines/volumes/hosts/ips of one
 * app, are independent.
 */
export function stepMayAffect(
  step: { tool: string; input: unknown },
  pre: { input: Record<string, unknown> },
): boolean {
  if (step.tool === "flyctl") return true;
  const s = targetOf((step.input ?? {}) as Record<string, unknown>);
  const p = targetOf(pre.input);
  if (s.app !== undefined && p.app !== undefined && s.app !== p.app) return false;
  if (s.id !== undefined && p.id !== undefined && s.id !== p.id) return false;
  return true;
}
