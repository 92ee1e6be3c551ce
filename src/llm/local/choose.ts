import { withoutRegions, withoutStates, words } from "./entities.js";
import { oneLine } from "./errors.js";
import { readQuestion, type Reading } from "./reading.js";
import type { FollowUp } from "./session.js";
import type { Shape } from "./shape.js";
import { unapplied } from "./shapes.js";

const FOLLOW_UP =
  /^\s*(and|what about|how about|same for|same in|in|for|only|just|now|also|then|ok(ay)?,?|and what about)\b/i;
const FOLLOW_UP_MAX_WORDS = 8;
/**
 * The longest question or request the model reads. Every reading is linear, but a question
 * longer than a few paragraphs is not one it answers well, and refusing it keeps the cost of a
 * pasted megabyte at one length check.
 */
export const MAX_QUESTION_CHARS = 4000;
/**
 * How many earlier questions a chain of follow-ups may lean on (the ask history keeps 10
 * exchanges): each step of a chain reads the one before, so an unbounded chain would read a long
 * conversation once per question in it.
 */
const MAX_FOLLOW_UP_CHAIN = 10;

export interface Chosen {
  shape: Shape;
  /** The question read whole: a follow-up together with the earlier question it refines. */
  reading: Reading;
  followUp?: FollowUp;
}

/** A shape to run, or why none runs (no reason: no shape's words match). */
export type Choice = { chosen: Chosen } | { refusal?: string };

function checked(shape: Shape, reading: Reading, followUp?: FollowUp): Choice {
  const reason = shape.mode === "ask" ? unapplied(shape, reading) : undefined;
  return reason ? { refusal: reason } : { chosen: { shape, reading, ...(followUp ? { followUp } : {}) } };
}

/**
 * The shape of a question. A short follow-up ("and in ord?", "what about web-api?") that matches
 * no shape, or only the describe shape through "what about", refines the question just before
 * it, and only that one: when the question before could not be answered (no shape, or refused),
 * neither can the follow-up, rather than refining some older question. The follow-up's states
 * and regions replace the earlier ones; its apps replace the earlier apps as they become known.
 */
export function choose(
  question: string,
  earlier: readonly string[],
  shapes: readonly Shape[],
  system: string,
): Choice {
  const mode = shapes[0]?.mode ?? "ask";
  if (question.length > MAX_QUESTION_CHARS)
    return {
      refusal: `it reads ${mode === "ask" ? "questions" : "change requests"} of up to ${MAX_QUESTION_CHARS} characters, and this one has ${question.length}; say it in fewer words`,
    };
  const reading = readQuestion(question, system, mode);
  const text = reading.text.trim();
  if (text === "") return {};
  const direct = shapes.find((s) => s.matches(text));
  // A refusal about Fly's catalog says nothing when no Fly shape is offered (FlyWP only).
  const flyOffered = shapes.some((s) => (s.provider ?? "fly") === "fly");
  const orRefusal = (r: Reading): Choice =>
    shapes[0]?.mode === "ask" && r.refusal && (flyOffered || !r.refusalFlyOnly) ? { refusal: r.refusal } : {};
  const followUp = FOLLOW_UP.test(text) && words(text).length <= FOLLOW_UP_MAX_WORDS;
  if (direct && (!followUp || direct.id !== "describe" || reading.machineIds.length > 0))
    return checked(direct, reading);
  const previous = earlier.at(-1);
  if (!followUp || previous === undefined) return direct ? checked(direct, reading) : orRefusal(reading);
  const before = choose(previous, earlier.slice(-MAX_FOLLOW_UP_CHAIN, -1), shapes, system);
  if (!("chosen" in before))
    return {
      refusal: `it reads this as a follow-up to the question before it ("${oneLine(previous)}"), which it could not answer`,
    };
  const prior = before.chosen.followUp
    ? `${before.chosen.followUp.own} ${before.chosen.followUp.earlier}`
    : before.chosen.reading.text;
  let base = prior;
  if (reading.states.length > 0) base = withoutStates(base);
  if (reading.regions.length > 0) base = withoutRegions(base);
  const together = { own: text, earlier: base.trim() };
  return checked(
    before.chosen.shape,
    readQuestion(`${together.own} ${together.earlier}`, system, mode),
    together,
  );
}
