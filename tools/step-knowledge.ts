import { FlyApiError } from "../src/fly/errors.js";
import type { FlyctlRunner } from "../src/fly/flyctl.js";
import type { ToolContext } from "./define-tool.js";

/**
 * What a write or destructive tool knows about itself as a plan step. The maker, the review, the
 * applier and `--resume` read it from the tool; none of them knows a tool by name. The types make
 * it part of every write tool: a write tool without it does not compile (define-tool.ts).
 */

/** What a step created or changed, in ids and names; nothing else is journaled. */
export type StepEffect = Record<string, string | number | boolean | string[]>;

/**
 * A live fact the maker records as a precondition: a read tool's call and what its result must
 * show, fixed, or made from what the read returns now (`found` is undefined when it found
 * nothing, a 404); only the latter costs a read when the plan is made.
 */
export interface PreconditionRead {
  /** A read tool of the catalog (a test checks every name). */
  tool: string;
  input: Record<string, unknown>;
  expect: Record<string, unknown> | ((found: Record<string, unknown> | undefined) => Record<string, unknown>);
}

/** What live state says about a step that started but has no recorded outcome. */
export interface Verdict {
  /** done: its effect is there; rerun: running it now is safe; ask: only a person can tell. */
  outcome: "done" | "rerun" | "ask";
  note: string;
}

/** A resource a create may have made: its id, and its name and state when it has them. */
export interface Existing {
  id: string;
  name?: string | null | undefined;
  state?: string | null | undefined;
}

/**
 * How an interrupted run of the step is settled on `--resume`:
 * - `idempotent`: running it again leaves the same result.
 * - `create`: before it runs, the applier journals what already exists (`existing`) with the
 *   step's name; afterwards, one new resource with that name is adopted, none means it never
 *   happened. Without a name a new resource cannot be told apart, so a person decides.
 * - `check`: a read of live state says whether its effect is already there.
 * - `ask`: nothing can be read that tells; a person decides.
 */
export type Reconcile<I> =
  | { kind: "idempotent" }
  | {
      kind: "create";
      /** The journal key of the created resource's id, e.g. "machine_id". */
      effectKey: string;
      existing(ctx: ToolContext, input: I): Promise<Existing[]>;
      name(input: I): string | undefined;
      /** When set, the maker names an unnamed create with it, so that `--resume` can find it. */
      autoName?: (input: I, suffix: string) => string;
    }
  | { kind: "check"; check(ctx: ToolContext, input: I): Promise<Verdict> }
  | { kind: "ask"; why: string };

export interface StepKnowledge<I, O> {
  /** One line for a review: what the step will change, in an operator's words; never a secret value. */
  describe(input: I): string;
  /** Ids, names and states the result yields, for the journal: never configs, env or values. */
  effect(input: I, result: O): StepEffect;
  reconcile: Reconcile<I>;
  /**
   * Defaults the maker fills in from live state, so that the plan, and the review of it, says
   * them (a new machine copies a machine of its process group). Omitted: the input is complete.
   */
  complete?: (ctx: ToolContext, input: I) => Promise<I>;
  /** The live facts the step stands on, recorded by the maker and re-checked before apply. */
  preconditions(input: I): PreconditionRead[];
  /**
   * The input field that holds secrets in a plan: name to `{fromEnv}` / `{fromFile}` reference,
   * resolved into values by the applier just before `run`. A value never sits in a plan.
   */
  secretRefs?: string;
  /**
   * Another way to make the same change through flyctl, chosen with `apply --secrets-via flyctl`.
   * It gets the input with secret values resolved.
   */
  viaFlyctl?: (flyctl: FlyctlRunner, input: I, signal: AbortSignal | undefined) => Promise<O>;
  /**
   * A change of many machines at once (scale, rolling restart): the maker replaces the step with
   * the explicit per-machine steps it stands for, read from live state, so that the reviewer reads
   * every machine it touches and the validator judges each one (a destroy stays destructive).
   */
  expand?: (ctx: ToolContext, input: I) => Promise<Expansion>;
  /**
   * Why `apply --rehearse` cannot run the step: it changes something a copy of live state does
   * not hold (outsideSnapshot). Unset: the step acts within the app its `app` input names (or
   * makes one in its `org`), and a rehearsal copies that app whole.
   */
  notRehearsable?: string;
  /**
   * What the validator refuses in an input its schema accepts, judged by effect (a cron job's
   * command runs on a server again and again). Each objection blocks the step; no policy flag
   * lifts it.
   */
  judge?: (input: I) => readonly StepObjection[];
}

/** Why the validator refuses a step: a rule name for the finding and a reason a person reads. */
export interface StepObjection {
  rule: string;
  why: string;
}

/** What a rehearsal says of a step on `what`, which its snapshot of live state does not copy. */
export function outsideSnapshot(what: string): string {
  return `it changes ${what}, which a rehearsal's copy of live state does not hold (it copies apps with their machines, volumes, IPs, certificates and secret names)`;
}

/** One step of an expansion: a catalog write tool, its input and why. */
export interface ExpandedStep {
  tool: string;
  input: Record<string, unknown>;
  reason: string;
}

/** What a many-machine step stands for now: its steps (none when there is nothing to do) and what they rely on. */
export interface Expansion {
  steps: ExpandedStep[];
  preconditions: PreconditionRead[];
  /** One line for the review when there is nothing to do, or a summary of what the steps do. */
  summary: string;
}

const IDENTITY_KEYS = ["app", "machine_id", "volume_id", "hostname", "ip", "name", "region"] as const;

/** The fields of an input that say what a step acts on: never values, never secrets. */
export function identity(input: unknown): StepEffect {
  const effect: StepEffect = {};
  if (input === null || typeof input !== "object") return effect;
  for (const key of IDENTITY_KEYS) {
    const value = (input as Record<string, unknown>)[key];
    if (typeof value === "string") effect[key] = value;
  }
  return effect;
}

/** Scalar fields of a result record, renamed where the journal knows them by another key. */
export function pick(record: unknown, keys: Record<string, string>): StepEffect {
  const effect: StepEffect = {};
  if (record === null || typeof record !== "object") return effect;
  for (const [from, to] of Object.entries(keys)) {
    const value = (record as Record<string, unknown>)[from];
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
      effect[to] = value;
  }
  return effect;
}

/** A read that answers "not there" with undefined instead of Fly's 404. */
export async function orMissing<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof FlyApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** The app exists: every step that names an app stands on it. */
export function appExists(app: string): PreconditionRead {
  return { tool: "apps_get", input: { app }, expect: { exists: true } };
}

/**
 * The machine is as it is now: its state, and for a config change the version the change is
 * made against (Fly's instance_id).
 */
export function machineAsNow(app: string, machineId: string, { version = false } = {}): PreconditionRead {
  return {
    tool: "machines_get",
    input: { app, machine_id: machineId },
    expect(found) {
      if (typeof found?.state !== "string") return { exists: true };
      const expect: Record<string, unknown> = { state: found.state };
      if (version && typeof found.instance_id === "string") expect.instance_id = found.instance_id;
      return expect;
    },
  };
}

/** The volume exists with the size it has now. */
export function volumeAsNow(app: string, volumeId: string): PreconditionRead {
  return {
    tool: "volumes_get",
    input: { app, volume_id: volumeId },
    expect: (found) => (typeof found?.size_gb === "number" ? { size_gb: found.size_gb } : { exists: true }),
  };
}

/** `done` when the effect is there, else `rerun` with what was found. */
export function verdict(done: boolean, doneNote: string, rerunNote: string): Verdict {
  return done ? { outcome: "done", note: doneNote } : { outcome: "rerun", note: rerunNote };
}
