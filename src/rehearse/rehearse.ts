import type { ToolContext } from "../../tools/define-tool.js";
import { UsageError } from "../errors.js";
import type { ApplyOptions, ApplyReport } from "../plan/apply/applier.js";
import { validatePlan } from "../plan/check/validator.js";
import { readPlanFile } from "../plan/schema/plan-file.js";
import { heldCredentials } from "../security/secret-sources.js";
import type { SandboxState } from "../sandbox/types.js";
import { runFaultRehearsal, type FaultPlan, type FaultOutcome } from "./faulted.js";
import type { ResourceDiff } from "./resource-diff.js";
import { leasesOnLive, type LiveLease } from "./live-leases.js";
import { rehearsalScope, type RehearsalScope } from "./scope.js";
import { takeSnapshot } from "./snapshot.js";
import { withoutTokens } from "./scrub.js";
import { openWorld, type WorldIo } from "./world.js";

/**
 * `apply --rehearse`: the plan's apps are copied from live Fly by reads alone (the context given
 * is read-only), an in-process sandbox starts from the copy, the real applier runs the plan
 * against it, and the report says what it created, changed and destroyed, and which step failed
 * with Fly's error. Optionally the same plan runs again on a fresh copy under injected faults or
 * a simulated crash, resumed as `--resume` would, and the two end states are compared.
 */

export interface RehearseOptions extends Omit<ApplyOptions, "yes" | "dryRun" | "resume"> {
  /** How long machines sit between states in the rehearsal's sandbox. */
  transitionMs: number;
  fault?: FaultPlan;
}

export type RehearseIo = WorldIo & {
  /** Read-only clients on live Fly (createFlyClients readOnly). */
  live: ToolContext;
  now?: () => Date;
};

export type RehearsalStatus = "would-apply" | "would-fail" | "refused" | "not-rehearsable";

export interface RehearsalReport {
  plan: string;
  status: RehearsalStatus;
  snapshot: { apps: string[]; orgs: string[]; machines: number; volumes: number; redactedTokens: number };
  transitionMs: number;
  /** The real applier's report of the clean run. */
  apply?: ApplyReport;
  diff?: ResourceDiff;
  failed: { step: string; tool: string; error: string }[];
  /** Machines a step names that someone holds the lease of on live now (a warning: the copy has no leases). */
  leasedOnLive: LiveLease[];
  fault?: FaultOutcome;
  blocked?: RehearsalScope["blocked"];
  message?: string;
  hint?: string;
}

function failedSteps(report: ApplyReport): RehearsalReport["failed"] {
  return report.steps
    .filter((s) => s.outcome === "failed")
    .map((s) => ({ step: s.id, tool: s.tool, error: s.error ?? "failed" }));
}

/** The applier's message, with a hint for a rehearsal: its own hints speak of the real journal. */
function outcomeText(
  apply: ApplyReport,
  fault: FaultOutcome | undefined,
): { message?: string; hint?: string } {
  if (apply.status === "refused") return { message: apply.message, hint: apply.hint };
  if (apply.status !== "applied")
    return {
      message: `the real apply would stop: ${apply.message ?? "a step failed"}`,
      hint: "fix the plan (or what it found on Fly) and rehearse again; nothing was changed on Fly",
    };
  if (fault && !fault.sameEndState)
    return {
      message: `under ${fault.kind === "kill-at" ? "the crash and --resume" : "injected faults and --resume"}, the plan did not end where the clean run did${fault.message ? `: ${fault.message}` : ""}`,
      hint: "compare the two diffs; a step whose interruption cannot be settled by --resume needs a name or a person's word (--interrupted)",
    };
  return {};
}

function statusOf(apply: ApplyReport, fault: FaultOutcome | undefined): RehearsalStatus {
  if (apply.status === "refused") return "refused";
  if (apply.status !== "applied") return "would-fail";
  return fault === undefined || fault.sameEndState ? "would-apply" : "would-fail";
}

async function copyOfLive(
  io: RehearseIo,
  scope: RehearsalScope,
): Promise<{ state: SandboxState; redacted: number }> {
  io.progress(
    `copying ${scope.apps.length} app(s) from live Fly by reads only: ${scope.apps.join(", ") || "(none)"}`,
  );
  const state = await takeSnapshot(io.live, {
    apps: scope.apps,
    orgs: scope.orgs,
    now: io.now?.() ?? new Date(),
  });
  // Every credential in reach (flyctl's token, FLYOPS_* values, cloud keys in env), as stdout's redactor has.
  return withoutTokens(state, heldCredentials(io.env, io.credentials ?? []));
}

export async function rehearsePlan(options: RehearseOptions, io: RehearseIo): Promise<RehearsalReport> {
  const plan = validatePlan(await readPlanFile(options.planPath), { allowDestructive: true }).plan;
  const scope: RehearsalScope = plan ? rehearsalScope(plan) : { apps: [], orgs: [], blocked: [] };
  const name = options.planName ?? options.planPath;
  const killAt = options.fault?.kind === "kill-at" ? options.fault.step : undefined;
  if (killAt !== undefined && plan && !plan.steps.some((s) => s.id === killAt))
    throw new UsageError(`--kill-at ${killAt}: the plan has no step with that id`, {
      hint: `its steps are ${plan.steps.map((s) => s.id).join(", ")}`,
    });
  const base = { plan: name, transitionMs: options.transitionMs, failed: [], leasedOnLive: [] };
  const empty = { apps: [], orgs: [], machines: 0, volumes: 0, redactedTokens: 0 };
  if (scope.blocked.length > 0) {
    return {
      ...base,
      status: "not-rehearsable",
      snapshot: empty,
      blocked: scope.blocked,
      message: `cannot rehearse ${name}: ${scope.blocked.map((b) => `step ${b.step}: ${b.why}`).join("; ")}`,
      hint: "review those steps by hand (`flyops plan show`); a rehearsal runs only steps a copy of live state can stand in for",
    };
  }
  const { state, redacted } = await copyOfLive(io, scope);
  const leasedOnLive = plan ? await leasesOnLive(io.live, plan, (io.now?.() ?? new Date()).getTime()) : [];
  const snapshot = {
    apps: state.apps.map((a) => a.name),
    orgs: state.orgs.map((o) => o.slug),
    machines: state.machines.length,
    volumes: state.volumes.length,
    redactedTokens: redacted,
  };
  // Nothing real is changed, so no "run these steps?" question; the approval is still checked as apply does.
  const applyOptions: Omit<ApplyOptions, "planPath"> = {
    planName: options.planName,
    allowDestructive: options.allowDestructive,
    ignoreDrift: options.ignoreDrift,
    secretsVia: options.secretsVia,
    interrupted: options.interrupted,
    allowEnv: options.allowEnv,
    yes: true,
    dryRun: false,
    resume: false,
  };
  io.progress(
    `rehearsing ${name} against a sandbox copy (machine transitions take ${options.transitionMs} ms)`,
  );
  const world = await openWorld(options.planPath, { state, transitionMs: options.transitionMs }, io.live);
  let apply: ApplyReport;
  let diff: ResourceDiff;
  try {
    apply = await world.apply(applyOptions, io);
    diff = await world.finish();
  } finally {
    await world.close();
  }
  const fault =
    options.fault && apply.status === "applied"
      ? await runFaultRehearsal(
          options.fault,
          {
            planPath: options.planPath,
            state,
            options: applyOptions,
            transitionMs: options.transitionMs,
            clean: diff,
          },
          io,
        )
      : undefined;
  return {
    ...base,
    status: statusOf(apply, fault),
    snapshot,
    apply,
    diff,
    failed: failedSteps(apply),
    leasedOnLive,
    ...(fault ? { fault } : {}),
    ...outcomeText(apply, fault),
  };
}
