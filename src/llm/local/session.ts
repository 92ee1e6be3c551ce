import type { Conversation } from "./conversation.js";
import { findNames } from "./entities.js";
import type { Reading } from "./reading.js";
import type { Json } from "./tool-result.js";

/** A tool call's outcome as the conversation holds it: the tool's view, or the error it sent back. */
export type Outcome = { ok: true; value: Json; text: string } | { ok: false; error: string };

export interface PlannedCall {
  name: string;
  input: Record<string, unknown>;
}

/**
 * A shape is a generator that reads top to bottom: it yields the calls it needs next (several at
 * once run in parallel) and is resumed with their outcomes in the same order. The driver
 * (drive.ts) resumes it from results already in the conversation, or emits the missing calls as
 * the model's turn; the next chat() call runs the shape again from the start with one more turn
 * of results, since the model keeps no state between calls.
 */
export type Reads<T> = Generator<readonly PlannedCall[], T, Outcome[]>;

/** The outcomes of several calls, in order, all asked for in one turn. */
export function* needAll(calls: readonly PlannedCall[]): Reads<Outcome[]> {
  if (calls.length === 0) return [];
  return yield calls;
}

export function* need(name: string, input: Record<string, unknown>): Reads<Outcome> {
  const [outcome] = yield* needAll([{ name, input }]);
  if (!outcome) throw new Error(`no outcome for ${name}`);
  return outcome;
}

/** A fact the shape cannot go on without: a failed read becomes the answer. */
export function* needOk(name: string, input: Record<string, unknown>, what: string): Reads<Json> {
  const outcome = yield* need(name, input);
  if (!outcome.ok) throw new AnswerNow(`I could not read ${what}: ${outcome.error}`);
  return outcome.value;
}

/**
 * The final answer, reached early: a failed read, a missing app, nothing to do. Thrown from any
 * depth of a shape and caught by the driver, which answers with its text.
 */
export class AnswerNow extends Error {
  constructor(readonly text: string) {
    super(text);
  }
}

/** A follow-up ("and in ord?") and the earlier question it refines. */
export interface FollowUp {
  own: string;
  earlier: string;
}

/** What a shape knows while it runs: the question (read and corrected) and the conversation. */
export class Session {
  private earlier: string | undefined;

  /**
   * @param reading the question read as a whole: for a follow-up, the follow-up and the earlier
   * question it refines together, the follow-up first, so its entities win where a shape takes the first one.
   */
  constructor(
    readonly conversation: Conversation,
    readonly reading: Reading,
    private readonly followUp?: FollowUp,
  ) {
    this.earlier = followUp?.earlier;
  }

  /** The question as corrected (typos); for a follow-up, followed by the earlier question it refines. */
  get question(): string {
    return this.followUp ? `${this.followUp.own} ${this.earlier ?? ""}` : this.reading.text;
  }

  get system(): string {
    return this.conversation.system;
  }

  /**
   * App names became known. A follow-up that names an app of its own ("what about web-api?")
   * replaces the apps of the earlier question rather than adding to them.
   */
  learnNames(names: readonly string[]): void {
    if (!this.followUp || !this.earlier || findNames(this.followUp.own, names).length === 0) return;
    for (const name of findNames(this.earlier, names)) {
      this.earlier = this.earlier.replace(
        new RegExp(`(^|[^a-z0-9_-])${escapeRegExp(name)}(?![a-z0-9_-])`, "gi"),
        "$1",
      );
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
