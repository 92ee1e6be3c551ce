import { z } from "zod";
import { RefusedError } from "../src/errors.js";
import { screenCommand, splitCommandLine } from "../src/security/remote-command.js";
import type { StepObjection } from "./step-knowledge.js";

/**
 * A cron job is a remote command that runs again and again, as cron runs it: through `/bin/sh -c`
 * (crontab(5)). It is judged like flyctl's `ssh console -C`: only a single plain program with
 * plain arguments (remote-command.ts), so no shell, interpreter given code, environment read,
 * quote, pipe, redirection or substitution reaches the server. No flag lifts the refusal: a
 * recurring command that fails the shape has no reviewable effect.
 */

export const CRON_COMMAND_RULE = "flywp-cron-command";

/**
 * When the job runs: five numeric cron fields ("0 3 * * *"), or one word ("nightly", "@daily").
 * FlyWP's docs list neither; strict, because a crontab line is the schedule followed by the
 * command, so a schedule with more words could carry a command of its own.
 */
export const cronFrequency = z
  .string()
  .regex(
    /^(?:[0-9*/,-]{1,20}(?: [0-9*/,-]{1,20}){4}|@?[A-Za-z]{1,20})$/,
    'a cron schedule: five numeric fields such as "0 3 * * *", or one word such as "nightly"',
  )
  .describe(
    'When it runs: five cron fields, e.g. "0 3 * * *" (nightly at 03:00), or a word such as "nightly"',
  );

/** Why the command may not run as a cron job; empty when it has the plain-program shape. */
export function cronObjections(command: string): StepObjection[] {
  const problems = screenCommand({
    source: "the cron job's command",
    words: splitCommandLine(command),
    programs: [0],
  });
  return problems.map((p) => ({
    rule: CRON_COMMAND_RULE,
    why: `${p.why} (rule ${CRON_COMMAND_RULE}: a cron job's command is one plain program with plain arguments, as for flyctl's ssh console -C; no flag lifts it)`,
  }));
}

/** The same judgement at run time, for a caller that did not pass through the validator. */
export function refuseUnsafeCron(command: string): void {
  const objections = cronObjections(command);
  if (objections.length > 0)
    throw new RefusedError(`refused: ${objections.map((o) => o.why).join("; ")}`, {
      hint: 'give one plain program with plain arguments, e.g. "wp cron event run --due-now"',
    });
}
