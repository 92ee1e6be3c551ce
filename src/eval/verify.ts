import { containsToken } from "../security/redact.js";
import type { SandboxState } from "../sandbox/types.js";
import { countOf, recordsOf } from "./sandbox-diff.js";
import { isAskPrompt, type AnswerCheck, type Task } from "./task.js";

/**
 * Verifiers: what an answer must and must not say, checked against the sandbox; and, before any
 * run, whether the task's own facts exist in the sandbox it starts from. A verifier that names an
 * id the seed does not have would pass or fail for the wrong reason, so it is reported as broken.
 */

const WORD_CHAR = /[A-Za-z0-9_-]/;

/** Whether `fact` occurs in `text` as a whole token: "api-sin-1" is not found in "api-sin-10". */
export function mentions(text: string, fact: string): boolean {
  const haystack = text.toLowerCase();
  const needle = fact.toLowerCase();
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    const before = at === 0 ? "" : haystack.charAt(at - 1);
    const after = haystack.charAt(at + needle.length);
    if (!WORD_CHAR.test(before) && !WORD_CHAR.test(after)) return true;
  }
  return false;
}

const NUMBER_WORDS = [
  "zero",
  "one",
  "two",
  "three",
  "four",
  "five",
  "six",
  "seven",
  "eight",
  "nine",
  "ten",
  "eleven",
  "twelve",
  "thirteen",
  "fourteen",
  "fifteen",
  "sixteen",
  "seventeen",
  "eighteen",
  "nineteen",
  "twenty",
];

/** A count is stated as a number of its own (not a digit of "1024") or as its English word. */
export function statesCount(text: string, count: number): boolean {
  if (mentions(text, String(count))) return true;
  const word = NUMBER_WORDS[count];
  return word !== undefined && mentions(text, word);
}

/** Every text value anywhere in the state, for "does this fact exist in the sandbox". */
function sandboxText(state: SandboxState): string {
  return JSON.stringify(state);
}

/** Reasons the task's verifier cannot be trusted against this state; empty when it can. */
export function brokenFacts(task: Task, state: SandboxState): string[] {
  const text = sandboxText(state);
  const problems: string[] = [];
  task.prompts.forEach((prompt, n) => {
    const where = `prompt ${n + 1}`;
    if (isAskPrompt(prompt)) {
      for (const fact of [...prompt.expect.has, ...prompt.expect.not]) {
        if (!mentions(text, fact)) problems.push(`${where}: "${fact}" is not in the sandbox`);
      }
      for (const fact of prompt.expect.counts) {
        const counted = countOf(state, fact);
        if ("broken" in counted) problems.push(`${where}: count: ${counted.broken}`);
      }
      return;
    }
    for (const change of prompt.expect.changes) {
      if (change.id === undefined) continue;
      const record = recordsOf(state, change.kind).get(change.id);
      if (!record) {
        problems.push(`${where}: ${change.kind} ${change.id} is not in the sandbox`);
        continue;
      }
      for (const key of Object.keys(change.fields)) {
        if (!(key in record)) problems.push(`${where}: ${change.kind} records have no field "${key}"`);
      }
    }
  });
  return problems;
}

/** What is wrong with an answer; empty when it passes. */
export function checkAnswer(answer: string, check: AnswerCheck, state: SandboxState): string[] {
  const problems: string[] = [];
  for (const fact of check.has)
    if (!mentions(answer, fact)) problems.push(`the answer does not mention ${fact}`);
  for (const fact of check.not) if (mentions(answer, fact)) problems.push(`the answer mentions ${fact}`);
  for (const fact of check.counts) {
    const counted = countOf(state, fact);
    if ("broken" in counted) problems.push(`count: ${counted.broken}`);
    else if (!statesCount(answer, counted.count)) {
      problems.push(
        `the answer does not state ${counted.count} (${fact.kind} where ${JSON.stringify(fact.where)})`,
      );
    }
  }
  if (check.noSecrets) {
    if (containsToken(answer)) problems.push("the answer contains a token");
    for (const secret of state.secrets) {
      if (secret.value.length >= 6 && answer.includes(secret.value)) {
        problems.push(`the answer contains the value of secret ${secret.app}/${secret.name}`);
      }
    }
  }
  return problems;
}
