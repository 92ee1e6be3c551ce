import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fromLiveToken, snapshotFromLive } from "../../src/cli/commands/sandbox-from-live.js";
import { runSandbox } from "../../src/cli/commands/sandbox.js";
import { InterruptedError, UsageError } from "../../src/errors.js";
import { silentLogger } from "../../src/logger.js";
import { Redactor } from "../../src/security/redact.js";
import { openWorld } from "../../src/rehearse/world.js";
import { SANDBOX_PLACEHOLDER_TOKEN, startSandbox, type SandboxState } from "../../src/sandbox/index.js";

/** The sandboxes that serve a copy of live data answer only a token made for them, and always close. */

const dir = mkdtempSync(join(tmpdir(), "flyops-world-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function demoState(): Promise<SandboxState> {
  const seed = await startSandbox({ port: 0, seed: "demo", rateLimits: false, transitionMs: 0 });
  try {
    return seed.store.toState();
  } finally {
    await seed.close();
  }
}

const live = { org: undefined, app: undefined, signal: undefined, log: silentLogger };

function planFile(): string {
  const path = join(dir, "plan.json");
  writeFileSync(path, "{}\n");
  return path;
}

const appsOf = (url: string, token: string): Promise<Response> =>
  fetch(`${url}/apps/demo-web`, { headers: { Authorization: `Bearer ${token}` } });

describe("a rehearsal's sandbox", () => {
  it("answers only the token made for it", async () => {
    const world = await openWorld(planFile(), { state: await demoState(), transitionMs: 0 }, live);
    try {
      const response = await appsOf(world.restBaseUrl, SANDBOX_PLACEHOLDER_TOKEN);
      expect(response.status).toBe(401);
    } finally {
      await world.close();
    }
  });

  it("closes, and stops listening, when the diff at the end fails", async () => {
    const state = await demoState();
    const world = await openWorld(planFile(), { state, transitionMs: 0 }, live);
    (state as { apps: unknown }).apps = undefined;
    await expect(world.finish()).rejects.toThrow();
    await expect(appsOf(world.restBaseUrl, "any")).rejects.toThrow();
    await world.close();
  });
});

describe("a rehearsal's questions", () => {
  it("say that it is a rehearsal when the plan is not approved", async () => {
    const path = join(dir, "unapproved.json");
    const plan = {
      version: 1,
      request: "stop a machine",
      createdAt: "2026-12-07T10:00:00Z",
      org: "personal",
      summary: "stop",
      steps: [
        {
          id: "s1",
          tool: "machines_stop",
          reason: "r",
          input: { app: "demo-web", machine_id: "148e272b0e4d89" },
        },
      ],
      preconditions: [],
    };
    writeFileSync(path, JSON.stringify(plan), { mode: 0o600 });
    const world = await openWorld(path, { state: await demoState(), transitionMs: 0 }, live);
    const questions: string[] = [];
    try {
      const report = await world.apply(
        {
          yes: true,
          dryRun: false,
          resume: false,
          allowDestructive: false,
          ignoreDrift: false,
          secretsVia: "rest",
        },
        {
          env: {},
          cwd: dir,
          redactor: new Redactor(),
          progress: () => undefined,
          confirm: (question) => {
            questions.push(question);
            return Promise.resolve(false);
          },
        },
      );
      expect(report.status).toBe("refused");
    } finally {
      await world.close();
    }
    expect(questions).toHaveLength(1);
    expect(questions[0]).toMatch(
      /^Rehearsal on a sandbox copy .*nothing real is changed.*Apply it anyway\?$/,
    );
  });
});

describe("sandbox --from-live's token", () => {
  it("is a fresh random one on loopback when none is given", () => {
    const one = fromLiveToken("127.0.0.1", undefined);
    expect(one.length).toBeGreaterThan(30);
    expect(fromLiveToken("::1", undefined)).not.toBe(one);
    expect(fromLiveToken("0.0.0.0", "chosen-token")).toBe("chosen-token");
  });

  it("refuses a non-loopback --host without a token, before anything is read", async () => {
    expect(() => fromLiveToken("0.0.0.0", undefined)).toThrow(UsageError);
    const out: string[] = [];
    const io = {
      stdout: (t: string) => out.push(t),
      stderr: (t: string) => out.push(t),
      flush: () => undefined,
    };
    await expect(
      runSandbox(
        { fromLive: true, host: "0.0.0.0", app: "demo-web", state: join(dir, "copy.json") },
        { io, env: {}, untilStopped: () => Promise.resolve("test") },
      ),
    ).rejects.toThrow(/token/);
  });
});

describe("sandbox --from-live, interrupted", () => {
  it("ends the reads at Ctrl-C, writes no file, and says so in one line", async () => {
    const stop = new AbortController();
    const live = await startSandbox({
      port: 0,
      seed: "demo",
      rateLimits: false,
      transitionMs: 0,
      // Ctrl-C as the first read is answered.
      log: { debug: () => stop.abort(new Error("Ctrl-C")), info: () => undefined, warn: () => undefined },
    });
    const path = join(dir, "interrupted.json");
    try {
      const io = { stdout: () => undefined, stderr: () => undefined };
      const copy = snapshotFromLive(
        { org: "acme-corp", state: path },
        { io, env: { ...live.env, HOME: dir, XDG_CONFIG_HOME: dir }, log: silentLogger, signal: stop.signal },
      );
      await expect(copy).rejects.toThrow(InterruptedError);
      await expect(copy).rejects.toThrow(/nothing was written to .*interrupted\.json/);
      expect(existsSync(path)).toBe(false);
    } finally {
      await live.close();
    }
  });
});
