import type { Provider } from "../../../tools/define-tool.js";
import { stateSummary } from "../../../tools/view.js";
import type { QualifierKind } from "./reading.js";
import type { Reads, Session } from "./session.js";

/**
 * One kind of question (mode "ask") or change request (mode "plan") the local model understands.
 * The registry of shapes in shapes.ts is the single list that help text, the cannot-answer
 * message and the README table are drawn from.
 */
export interface Shape {
  id: string;
  mode: "ask" | "plan";
  /** Whose tools it calls; "fly" when unset. It is chosen only when that provider's tools are offered. */
  provider?: Provider;
  /** One line for help and for the cannot-answer hint. */
  description: string;
  examples: readonly string[];
  /**
   * The qualifiers it applies (ask mode): a question that carries any other (reading.ts) is
   * refused rather than answered more broadly. Plan shapes list none; change requests are not read for them.
   */
  applies: readonly QualifierKind[];
  /** Decided on the (corrected) words alone; entities (apps, ids) are resolved while running. */
  matches(question: string): boolean;
  /** Yields the tool calls it needs as it goes and returns the final answer text (session.ts). */
  run(session: Session): Reads<string>;
}

/**
 * The question matched a shape's words but it cannot be answered as asked: an entity that is not
 * there, a qualifier the shape cannot apply after all. The model refuses with the reason (exit 1).
 */
export class CannotAnswer extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export function lines(...parts: Array<string | readonly string[] | false | undefined>): string {
  return parts
    .flatMap((p) => (p === false || p === undefined ? [] : typeof p === "string" ? [p] : p))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "a, b and c" */
export function joinWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1] ?? ""}`;
}

/** "2 started, 1 stopped" from a list of states (tools/view.ts stateSummary words it). */
export function stateCounts(states: ReadonlyArray<string | undefined>): string {
  const counts = new Map<string, number>();
  for (const s of states) counts.set(s ?? "unknown", (counts.get(s ?? "unknown") ?? 0) + 1);
  return stateSummary(Object.fromEntries(counts));
}
