import { callKey, type Conversation } from "./conversation.js";
import { AnswerNow, type Outcome, type PlannedCall, type Reads } from "./session.js";
import { CannotAnswer } from "./shape.js";
import { errorText } from "./tool-result.js";

/** The model's turn: tool calls to make, or the answer. */
export type Turn = { calls: PlannedCall[] } | { answer: string };

/** Every call of the conversation since the question, by tool and input, with its outcome. */
function knownOutcomes(conversation: Conversation): Map<string, Outcome> {
  const known = new Map<string, Outcome>();
  for (const exchange of conversation.exchanges) {
    const outcome: Outcome = !exchange.result
      ? { ok: false, error: "the tool returned no result" }
      : exchange.result.ok
        ? { ok: true, value: exchange.result.value, text: exchange.result.text }
        : { ok: false, error: errorText(exchange.result.value) };
    known.set(callKey(exchange.call.name, exchange.input), outcome);
  }
  return known;
}

function withoutUndefined(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}

/**
 * Runs a shape from the start, resuming it with every outcome the conversation already holds.
 * The first batch of calls it needs that the conversation lacks becomes the turn (only those
 * calls of the batch); when it returns or answers early, its text is the turn.
 */
export function drive(run: Reads<string>, conversation: Conversation, offered: ReadonlySet<string>): Turn {
  const known = knownOutcomes(conversation);
  try {
    let step = run.next();
    while (!step.done) {
      const missing: PlannedCall[] = [];
      const outcomes: Outcome[] = [];
      for (const call of step.value) {
        if (!offered.has(call.name))
          throw new CannotAnswer(`it needs the ${call.name} tool, which is not offered`);
        const key = callKey(call.name, call.input);
        const outcome = known.get(key);
        if (outcome) outcomes.push(outcome);
        else if (!missing.some((m) => callKey(m.name, m.input) === key))
          missing.push({ name: call.name, input: withoutUndefined(call.input) });
      }
      if (missing.length > 0) {
        run.return("");
        return { calls: missing };
      }
      step = run.next(outcomes);
    }
    return { answer: step.value };
  } catch (stop) {
    if (stop instanceof AnswerNow) return { answer: stop.text };
    throw stop;
  }
}
