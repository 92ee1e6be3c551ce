import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, type Runtime } from "../../src/cli/runtime.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { virtualLimiter } from "../support/virtual-time.js";

/** A demo sandbox, a runtime whose clients point at it, and a scratch folder for plan files. */
export interface SandboxWorld {
  sandbox: Sandbox;
  runtime: Runtime;
  dir: string;
  close(): Promise<void>;
}

export async function sandboxWorld(options: { transitionMs?: number } = {}): Promise<SandboxWorld> {
  const dir = mkdtempSync(join(tmpdir(), "flyops-applier-"));
  // Unit tests of the applier's logic: changes land at once unless a test asks for Fly's timing
  // (test/integration runs with it). Fly's rate limits are paced on a virtual clock: the tests of a
  // file share one runtime and fleet, and real pacing only made them wait (virtual-time.ts).
  const sandbox = await startSandbox({ seed: "demo", transitionMs: 0, rateLimits: false, ...options });
  const runtime = await createRuntime({
    env: { ...sandbox.env, HOME: dir, XDG_CONFIG_HOME: dir },
    cwd: dir,
    limiter: virtualLimiter(),
  });
  return {
    sandbox,
    runtime,
    dir,
    close: async () => {
      await runtime.close();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const STARTED = { app: "demo-web", machine_id: "148e272b0e4d89" } as const;
export const STARTED_2 = { app: "demo-web", machine_id: "d8d9e21a7c3e18" } as const;

export function planWith(
  steps: unknown[],
  preconditions: unknown[] = [],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    version: 1,
    request: "test",
    createdAt: "2026-11-22T10:00:00Z",
    org: "personal",
    summary: "A test plan.",
    steps,
    preconditions,
    ...extra,
  };
}

export function writePlan(dir: string, name: string, plan: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, `${JSON.stringify(plan, null, 2)}\n`, { mode: 0o600 });
  return path;
}
