import { z } from "zod";
import { RefusedError } from "../src/errors.js";
import { screenCommand, splitCommandLine } from "../src/security/remote-command.js";
import { programName } from "../src/security/remote-programs.js";
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

// WP-CLI, the program a WordPress cron job runs, can itself run code: its global parameters
// --require=<path> (load a PHP file) and --exec=<php-code>, --ssh/--http (act on another host)
// (https://developer.wordpress.org/cli/commands/, "Global Parameters"), and the commands eval,
// eval-file, shell, package (installs code), db (SQL, import, a database shell) and server.
const WP_CODE_OPTIONS = ["--require", "--exec", "--ssh", "--http"];
const WP_CODE_COMMANDS: ReadonlySet<string> = new Set([
  "eval",
  "eval-file",
  "shell",
  "package",
  "db",
  "server",
]);

/** What a plain-shaped `wp …` can still run: code, SQL, or a plugin or theme from a URL or zip. */
function wpProblems(words: readonly string[]): string[] {
  if (programName(words[0] ?? "") !== "wp") return [];
  const problems: string[] = [];
  const option = words.find((w) => WP_CODE_OPTIONS.some((o) => w === o || w.startsWith(`${o}=`)));
  if (option) problems.push(`it gives wp ${option.split("=")[0]}, which runs code or acts on another host`);
  const command = words.slice(1).find((w) => !w.startsWith("-"));
  if (command !== undefined && WP_CODE_COMMANDS.has(command.toLowerCase()))
    problems.push(`it runs wp ${command}, which runs code or SQL given to it`);
  if (words.some((w) => w.includes("://") || w.toLowerCase().endsWith(".zip")))
    problems.push("it gives wp a URL or a zip file, from which it may install code");
  return problems;
}

/** Why the command may not run as a cron job; empty when it has the plain-program shape. */
export function cronObjections(command: string): StepObjection[] {
  const words = splitCommandLine(command);
  const problems = [
    ...screenCommand({ source: "the cron job's command", words, programs: [0] }).map((p) => p.why),
    ...wpProblems(words).map((why) => `the cron job's command: ${why}`),
  ];
  return problems.map((why) => ({
    rule: CRON_COMMAND_RULE,
    why: `${why} (rule ${CRON_COMMAND_RULE}: a cron job's command is one plain program with plain arguments, as for flyctl's ssh console -C; no flag lifts it)`,
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
