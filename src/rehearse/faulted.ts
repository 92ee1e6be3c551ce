import type { ApplyOptions, ApplyReport } from "../plan/apply/applier.js";
import type { StepMoment } from "../plan/apply/types.js";
import type { SandboxState } from "../sandbox/types.js";
import { comparableDiff, type ResourceDiff } from "./resource-diff.js";
import { openWorld, type World, type WorldIo } from "./world.js";
import type { ToolContext } from "../../tools/define-tool.js";

/**
 * The plan again, on a fresh copy of the same live state, under trouble: injected faults (the
 * sandbox's 5xx, 429 and dropped connections, seeded and repeatable: src/sandbox/faults.ts) or a
 * crash at one step. Either way the run is then resumed through the real `--resume` path (journal,
 * reconciliation of the interrupted step) until it finishes or stops for a person's word, and its
 * end state is compared with the clean run's.
 *
 * The crash: at the chosen moment of the chosen step (`ran`: Fly has done the step, the journal
 * does not know yet — the hardest case; or `started`) the apply is frozen for good, as a killed
 * process is, with its journal and lock as they are; the resume that follows is another apply of
 * the same plan, as a person would start after the crash. The lock it finds names this process,
 * which the lock takes over as from a dead one (lock.ts).
 */

export type FaultPlan =
  { kind: "fault-rate"; rate: number; seed: number } | { kind: "kill-at"; step: string; moment: StepMoment };

export interface FaultOutcome {
  kind: FaultPlan["kind"];
  /** Applies run: the first, then each --resume. */
  runs: number;
  /** The last run's status, and its message when it did not apply. */
  status: ApplyReport["status"];
  message?: string;
  /** Whether the plan stopped where asked (kill-at). */
  crashed?: boolean;
  diff: ResourceDiff;
  /** Whether the end state equals the clean run's (created ids aside). */
  sameEndState: boolean;
}

/** Enough resumes for a fault rate of a half on a plan of a few steps; a person would give up sooner. */
const MAX_RESUMES = 8;

interface FaultInput {
  planPath: string;
  state: SandboxState;
  options: Omit<ApplyOptions, "planPath">;
  transitionMs: number;
  clean: ResourceDiff;
}

type FaultIo = WorldIo & { live: ToolContext };

/** Runs until the step's moment, then never returns: a process frozen there, as if killed. */
async function applyUntilKilled(
  world: World,
  input: FaultInput,
  io: FaultIo,
  at: { step: string; moment: StepMoment },
): Promise<ApplyReport | "crashed"> {
  let crash: () => void = () => undefined;
  const crashed = new Promise<"crashed">((resolve) => (crash = () => resolve("crashed")));
  const onStep = async (step: string, moment: StepMoment): Promise<void> => {
    if (step !== at.step || moment !== at.moment) return;
    io.progress(`simulated crash: the apply stops dead at step ${step} (${moment}), its journal as it is`);
    crash();
    await new Promise<never>(() => undefined);
  };
  return Promise.race([world.apply(input.options, { ...io, onStep }), crashed]);
}

export async function runFaultRehearsal(
  fault: FaultPlan,
  input: FaultInput,
  io: FaultIo,
): Promise<FaultOutcome> {
  const label =
    fault.kind === "fault-rate"
      ? `fault rate ${fault.rate} (seed ${fault.seed})`
      : `a crash at ${fault.step} (${fault.moment})`;
  io.progress(`rehearsing again on a fresh copy, with ${label}, resuming as --resume would`);
  const world = await openWorld(
    input.planPath,
    {
      state: input.state,
      transitionMs: input.transitionMs,
      ...(fault.kind === "fault-rate" ? { faultRate: fault.rate, faultSeed: fault.seed } : {}),
    },
    io.live,
  );
  let runs = 1;
  let crashed: boolean | undefined;
  let report: ApplyReport | "crashed";
  let diff: ResourceDiff;
  try {
    report =
      fault.kind === "kill-at"
        ? await applyUntilKilled(world, input, io, fault)
        : await world.apply(input.options, io);
    if (fault.kind === "kill-at") crashed = report === "crashed";
    // Resumed after a failure, as a person would; a refusal (a step only a person can settle, or a
    // precondition a fault kept from being read) is where the rehearsal stops and says so.
    while ((report === "crashed" || report.status === "failed") && runs <= MAX_RESUMES) {
      runs += 1;
      io.progress(`resume ${runs - 1}: flyops apply --resume`);
      report = await world.apply({ ...input.options, resume: true }, io);
    }
    diff = await world.finish();
  } finally {
    await world.close();
  }
  const last = report === "crashed" ? undefined : report;
  const status = last?.status ?? "failed";
  return {
    kind: fault.kind,
    runs,
    status,
    ...(last?.message ? { message: last.message } : {}),
    ...(crashed === undefined ? {} : { crashed }),
    diff,
    sameEndState: status === "applied" && comparableDiff(diff) === comparableDiff(input.clean),
  };
}
