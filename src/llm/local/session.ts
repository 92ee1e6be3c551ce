import type { ToolSpec } from "../types.js";
import { callKey, type Conversation } from "./conversation.js";
import { findNames } from "./entities.js";
import { fitInput } from "./tool-args.js";
import { errorText, type Json } from "./tool-result.js";

/**
 * The local model is stateless between chat() calls: every call replays the shape's logic over the
 * conversation so far. A shape asks for facts with need(); a fact already in the conversation is
 * returned, a missing one stops the replay with NeedCalls, and the model emits those calls as its
 * turn. Calls a shape needs at the same point are requested together, so the loop runs them in parallel.
 */
export type Outcome = { ok: true; value: Json; text: string } | { ok: false; error: string };

export interface PlannedCall {
  name: string;
  input: Record<string, unknown>;
  /** Sent as built, not fitted to the tool's schema: for propose_plan, whose own validation reports every problem. */
  asIs?: boolean;
}

/**
 * The signals below steer a shape's replay; they are Errors only so that throwing them is
 * ordinary control flow to the linter. None escapes the model.
 */
export class NeedCalls extends Error {
  constructor(readonly calls: PlannedCall[]) {
    super(`needs ${calls.map((c) => c.name).join(", ")}`);
  }
}

/** A tool the shape cannot do without is not among the offered tools. */
export class ToolUnavailable extends Error {
  constructor(
    readonly tool: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export class Session {
  private readonly specs: Map<string, ToolSpec>;
  private readonly results = new Map<string, Outcome>();

  /**
   * @param earlier for a follow-up, the earlier question it refines: the shape then reads both, the
   * follow-up first, so its entities win where a shape takes the first one.
   */
  constructor(
    readonly conversation: Conversation,
    tools: readonly ToolSpec[],
    private earlier?: string,
  ) {
    this.specs = new Map(tools.map((t) => [t.name, t]));
    for (const exchange of conversation.exchanges) {
      const key = callKey(exchange.call.name, exchange.input);
      const outcome: Outcome = !exchange.result
        ? { ok: false, error: "the tool returned no result" }
        : exchange.result.ok
          ? { ok: true, value: exchange.result.value, text: exchange.result.text }
          : { ok: false, error: errorText(exchange.result.value) };
      this.results.set(key, outcome);
    }
  }

  get question(): string {
    return this.earlier ? `${this.conversation.question} ${this.earlier}` : this.conversation.question;
  }

  /**
   * App names became known. A follow-up that names an app of its own ("what about web-api?")
   * replaces the apps of the earlier question rather than adding to them.
   */
  learnNames(names: readonly string[]): void {
    if (!this.earlier || findNames(this.conversation.question, names).length === 0) return;
    for (const name of findNames(this.earlier, names)) {
      this.earlier = this.earlier.replace(
        new RegExp(`(^|[^a-z0-9_-])${escapeRegExp(name)}(?![a-z0-9_-])`, "gi"),
        "$1",
      );
    }
  }

  has(tool: string): boolean {
    return this.specs.has(tool);
  }

  spec(tool: string): ToolSpec | undefined {
    return this.specs.get(tool);
  }

  /** Whether the tool is offered and the wished-for input fits its schema. */
  canCall(tool: string, wanted: Record<string, unknown>): boolean {
    const spec = this.specs.get(tool);
    return spec !== undefined && fitInput(spec, wanted).ok;
  }

  need(tool: string, wanted: Record<string, unknown>, asIs = false): Outcome {
    const [outcome] = this.needAll([{ name: tool, input: wanted, asIs }]);
    return outcome as Outcome;
  }

  /** The outcomes of several calls, in order; all missing ones are requested in one turn. */
  needAll(wanted: readonly PlannedCall[]): Outcome[] {
    const missing: PlannedCall[] = [];
    const outcomes: Array<Outcome | undefined> = wanted.map((w) => {
      const spec = this.specs.get(w.name);
      if (!spec) throw new ToolUnavailable(w.name, `the ${w.name} tool is not offered`);
      const fitted = w.asIs ? { ok: true as const, input: w.input } : fitInput(spec, w.input);
      if (!fitted.ok) throw new ToolUnavailable(w.name, fitted.reason);
      const known = this.results.get(callKey(w.name, fitted.input));
      if (known) return known;
      if (!missing.some((m) => callKey(m.name, m.input) === callKey(w.name, fitted.input))) {
        missing.push({ name: w.name, input: fitted.input });
      }
      return undefined;
    });
    if (missing.length > 0) throw new NeedCalls(missing);
    return outcomes as Outcome[];
  }

  /** A fact the shape cannot continue without: a failure becomes the answer. */
  needOk(tool: string, wanted: Record<string, unknown>, what: string): Json {
    const outcome = this.need(tool, wanted);
    if (!outcome.ok) throw new AnswerNow(`I could not read ${what}: ${outcome.error}`);
    return outcome.value;
  }
}

/** Stops a shape early with a final answer (a failed read, a missing app, nothing to do). */
export class AnswerNow extends Error {
  constructor(readonly text: string) {
    super(text);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
