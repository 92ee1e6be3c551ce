import { FlyopsError } from "../errors.js";

/** The model kept calling tools and gave no answer within the allowed number of turns. */
export class MaxStepsError extends FlyopsError {
  readonly maxSteps: number;

  constructor(maxSteps: number) {
    super(`the model gave no answer within ${maxSteps} turns`, {
      hint: "ask a narrower question (name the app, machine or region), or allow more turns with --max-steps N",
    });
    this.maxSteps = maxSteps;
  }
}

/** The person (or a signal) cancelled the question while tools were running. */
export class AskCancelledError extends FlyopsError {
  constructor(cause?: unknown) {
    super("the question was cancelled", { cause });
  }
}
