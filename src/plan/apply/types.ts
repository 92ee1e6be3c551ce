import type { ToolContext } from "../../../tools/define-tool.js";
import type { Redactor } from "../../security/redact.js";
import { RefusedError } from "../../errors.js";
import type { FlyctlRunner } from "../../fly/flyctl.js";
import type { SecretsVia } from "./step.js";
import type { ApprovalStatus } from "../schema/approval.js";
import type { StepEffect } from "./journal.js";
import type { PreconditionCheck } from "../check/preconditions.js";
import type { Finding } from "../check/validator.js";

/** What the applier is asked to do, what it may touch, and what it reports. */

export interface ApplyOptions {
  planPath: string;
  /** The plan file as the person named it, for messages and hints (default: planPath). */
  planName?: string;
  yes: boolean;
  dryRun: boolean;
  resume: boolean;
  allowDestructive: boolean;
  ignoreDrift: boolean;
  secretsVia: SecretsVia;
  /** For an interrupted step flyops cannot reconcile by itself: the person's word on what happened. */
  interrupted?: "retry" | "done";
  /** Other tools' credential variables a secret may be read from: the config file's secrets.allow_env. */
  allowEnv?: readonly string[];
}

export interface ApplyIo {
  ctx: ToolContext;
  flyctl: () => FlyctlRunner;
  env: NodeJS.ProcessEnv;
  cwd: string;
  redactor: Redactor;
  /**
   * The credentials this process holds (runtime.credentials). Secret values that are or contain
   * one are refused; credential variables of `env` are added to them (secret-sources.ts).
   */
  credentials?: readonly string[];
  /** Human progress lines (stderr). */
  progress: (line: string) => void;
  /** Present only when a person can answer (a terminal); without it every question is a no. */
  confirm?: (question: string) => Promise<boolean>;
  /**
   * Told, and awaited, at the two moments a crash is hardest on: a step's start is journaled and
   * it has not run, or it has run and its success is not journaled yet.
   */
  onStep?: (step: string, moment: StepMoment) => Promise<void>;
}

export type StepMoment = "started" | "ran";

export type StepOutcome = "ran" | "done-before" | "adopted" | "would-run" | "failed" | "not-run";

export interface StepReport {
  id: string;
  tool: string;
  risk: string;
  change: string;
  outcome: StepOutcome;
  changed?: StepEffect;
  note?: string;
  error?: string;
}

export type ApplyStatus = "applied" | "already-applied" | "dry-run" | "refused" | "failed";

export interface ApplyReport {
  status: ApplyStatus;
  plan: string;
  sha256: string;
  approval: ApprovalStatus["state"];
  journal: string;
  findings: Finding[];
  preconditions: PreconditionCheck[];
  steps: StepReport[];
  /** For refused and failed: what happened and what to do. */
  message?: string;
  hint?: string;
}

export function planName(options: ApplyOptions): string {
  return options.planName ?? options.planPath;
}

export function refusal(message: string, hint?: string): RefusedError {
  return new RefusedError(message, { hint });
}
