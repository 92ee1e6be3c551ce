import { randomBytes } from "node:crypto";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { Agent } from "undici";
import type { ToolContext } from "../../tools/define-tool.js";
import { RefusedError } from "../errors.js";
import { createFlyClients } from "../fly/create-clients.js";
import type { FlyctlRunner } from "../fly/flyctl.js";
import { runApplyPlan, type ApplyIo, type ApplyOptions, type ApplyReport } from "../plan/apply/applier.js";
import { startSandbox, type SandboxState } from "../sandbox/index.js";
import { diffResources, type ResourceDiff } from "./resource-diff.js";

/**
 * One rehearsal world: an in-process sandbox started from the copy of live state, clients that
 * talk to it alone (with a random token made for it, which the sandbox requires — the operator's
 * token is never given to anything here), and a copy of the plan in a fresh temporary folder, so the real applier journals
 * and locks there and the plan's own journal is never touched. `apply` runs the real applier
 * (validator, approval, preconditions, leases, journal); `finish` lands every machine change in
 * flight and diffs the end state against the copy it started from.
 */

export interface WorldOptions {
  state: SandboxState;
  transitionMs: number;
  faultRate?: number;
  faultSeed?: number;
}

/** What the applier is given besides its context: the caller's environment, redactor, progress, questions. */
export type WorldIo = Omit<ApplyIo, "ctx" | "flyctl">;

export interface World {
  /** Where the copy is served (loopback), for a look from outside the applier. */
  restBaseUrl: string;
  apply(options: Omit<ApplyOptions, "planPath">, io: WorldIo): Promise<ApplyReport>;
  /** Lands what is in flight, diffs against the start, and closes everything (even when that fails). */
  finish(): Promise<ResourceDiff>;
  /** Stops the sandbox and removes the temporary folder; once, however often it is called. */
  close(): Promise<void>;
}

function noFlyctl(): FlyctlRunner {
  throw new RefusedError("a rehearsal does not run flyctl: it could reach Fly itself", {
    hint: "rehearse plans of catalog steps; flyctl steps run only in a real apply",
  });
}

/** The applier's questions (an unapproved plan: "Apply it anyway?") say nothing real happens here. */
function rehearsing(io: WorldIo): WorldIo {
  const { confirm } = io;
  if (!confirm) return io;
  return {
    ...io,
    confirm: (question) =>
      confirm(`Rehearsal on a sandbox copy of live Fly (nothing real is changed): ${question}`),
  };
}

export async function openWorld(
  planPath: string,
  options: WorldOptions,
  live: Pick<ToolContext, "org" | "app" | "signal" | "log">,
): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), "flyops-rehearse-"));
  const plan = join(dir, basename(planPath));
  const token = `rehearsal-${randomBytes(24).toString("base64url")}`;
  const dispatcher = new Agent({ keepAliveTimeout: 10_000 });
  let sandbox: Awaited<ReturnType<typeof startSandbox>> | undefined;
  let closing: Promise<void> | undefined;
  // Once only, whatever failed: a sandbox left listening keeps the CLI from exiting.
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      try {
        await dispatcher.close();
        await sandbox?.close();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    })());
  try {
    await copyFile(planPath, plan);
    sandbox = await startSandbox({
      port: 0,
      host: "127.0.0.1",
      // The copy holds live data: only the applier here, which alone knows this token, is answered.
      token,
      state: options.state,
      transitionMs: options.transitionMs,
      faultRate: options.faultRate,
      faultSeed: options.faultSeed,
      log: live.log,
    });
  } catch (error) {
    await close();
    throw error;
  }
  const running = sandbox;
  const fly = createFlyClients({
    restBaseUrl: running.restBaseUrl,
    graphqlUrl: running.graphqlUrl,
    apiBaseUrl: running.apiBaseUrl,
    prometheusUrl: running.prometheusUrl,
    mpgBaseUrl: running.apiBaseUrl,
    token,
    log: live.log,
    dispatcher,
  });
  const ctx: ToolContext = { fly, org: live.org, app: live.app, signal: live.signal, log: live.log };
  return {
    restBaseUrl: running.restBaseUrl,
    apply: (applyOptions, io) =>
      runApplyPlan({ ...applyOptions, planPath: plan }, { ...rehearsing(io), ctx, flyctl: noFlyctl }),
    async finish() {
      try {
        running.settle();
        return diffResources(options.state, running.store.toState());
      } finally {
        await close();
      }
    },
    close,
  };
}
