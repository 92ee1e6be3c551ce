import { terminalSafe } from "../../security/terminal-safe.js";
import type { Finding } from "./validator.js";

/**
 * One finding as a line of text, `s1: message [rule]`, for reviews, refusals and warnings. The
 * validator already writes its messages terminal-safe; the step id comes from the plan as it is,
 * so it is escaped here.
 */
export function findingLine(finding: Finding): string {
  const step = finding.step === undefined ? "" : `${terminalSafe(finding.step)}: `;
  return `${step}${terminalSafe(finding.message)} [${finding.rule}]`;
}
