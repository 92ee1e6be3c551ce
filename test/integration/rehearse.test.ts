import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PLANTED_TOKEN } from "../../src/sandbox/index.js";
import { CLI_PATH } from "../support/cli.js";
import { sandboxHome } from "../support/sandbox-home.js";

/**
 * `apply --rehearse` with a second sandbox process standing in for live Fly: the sandbox started
 * here is "live"; the CLI child copies what the plan touches from it by reads only, runs the real
 * applier against its own in-process copy, and reports the resource diff. Live must be the same
 * afterwards, byte for byte.
 */

const LIVE_TOKEN = "fo1_" + "x".repeat(40);
/** Every request "live" answered, as its log line: `sandbox: METHOD PATH -> STATUS`. */
const liveRequests: string[] = [];
const world = sandboxHome({
  prefix: "flyops-rehearse-",
  sandbox: {
    seed: "demo",
    token: LIVE_TOKEN,
    log: { debug: (line) => liveRequests.push(line), info: () => undefined, warn: () => undefined },
  },
});

const WEB_IAD_1 = "148e272b0e4d89";
const PG_REPLICA = "6e82933c4e0e48";
const REPLICA_VOLUME = "vol_2rp4x8k1m6tq9hvz";

interface Step {
  id: string;
  tool: string;
  input: Record<string, unknown>;
}

async function approvedPlan(file: string, steps: Step[], destructive = false): Promise<string> {
  const plan = {
    version: 1,
    request: "rehearsal test",
    createdAt: "2026-12-07T10:00:00Z",
    org: "personal",
    summary: "rehearsal test",
    steps: steps.map((s) => ({ ...s, reason: "test" })),
    preconditions: [
      { tool: "apps_get", input: { app: String(steps[0]?.input.app) }, expect: { exists: true } },
    ],
  };
  writeFileSync(join(world.dir, file), JSON.stringify(plan, null, 2), { mode: 0o600 });
  const approve = await world.cli([
    "plan",
    "approve",
    file,
    "--by",
    "dana",
    ...(destructive ? ["--allow-destructive"] : []),
  ]);
  expect(approve.code, approve.stderr).toBe(0);
  return file;
}

/** Two more web machines, as the maker writes a scale: named copies of a running machine. */
function scalePlan(): Promise<string> {
  return approvedPlan("scale.json", [
    {
      id: "s1",
      tool: "machines_clone",
      input: { app: "demo-web", machine_id: WEB_IAD_1, region: "iad", name: "web-iad-3" },
    },
    {
      id: "s2",
      tool: "machines_clone",
      input: { app: "demo-web", machine_id: WEB_IAD_1, region: "lhr", name: "web-lhr-2" },
    },
  ]);
}

const liveState = (): string => JSON.stringify(world.sandbox.store.toState());

interface JsonReport {
  status: string;
  snapshot: { apps: string[] };
  diff: {
    created: { kind: string; name: string; details: Record<string, string> }[];
    changed: unknown[];
    destroyed: unknown[];
  };
  failed: { step: string; error: string }[];
  fault?: { kind: string; runs: number; crashed: boolean; status: string; sameEndState: boolean };
}

describe("flyops apply --rehearse", () => {
  it("prints the machines a scale plan would create, changes nothing live, and exits 0", async () => {
    const file = await scalePlan();
    const before = liveState();
    liveRequests.length = 0;
    const text = await world.cli(["apply", file, "--rehearse", "--transition-ms", "20"]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      /\+ machine web-iad-3 \([0-9a-f]{14}\) of demo-web: region iad, state started, guest shared-cpu-1x/,
    );
    expect(text.stdout).toMatch(
      /\+ machine web-lhr-2 \([0-9a-f]{14}\) of demo-web: region lhr, state started/,
    );
    expect(text.stdout).toContain("destroyed: nothing");
    expect(text.stdout).toContain("result: every step would succeed");

    const json = await world.cli(["plan", "rehearse", file, "--json", "--transition-ms", "20"]);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as JsonReport;
    expect(report.status).toBe("would-apply");
    expect(report.snapshot.apps).toEqual(["demo-web"]);
    expect(report.diff.created.map((c) => [c.kind, c.name, c.details.state])).toEqual([
      ["machine", "web-iad-3", "started"],
      ["machine", "web-lhr-2", "started"],
    ]);

    expect(liveState()).toBe(before);
    expect(world.sandbox.store.machines("demo-web").map((m) => m.name)).not.toContain("web-iad-3");
    // Live saw reads only: GETs, and GraphQL POSTs (queries: a mutation is refused before it leaves, read-only-client.test.ts).
    expect(liveRequests.length).toBeGreaterThan(0);
    expect(liveRequests.filter((line) => !/^sandbox: (GET \S+|POST \/graphql) -> \d{3}$/.test(line))).toEqual(
      [],
    );
    // The plan's own journal is untouched: the rehearsal journaled in a temporary folder.
    expect(() => statSync(join(world.dir, `${file}.journal.jsonl`))).toThrow();
  });

  it("shows a destroy of an attached volume failing at that step with Fly's error, and exits 1", async () => {
    const file = await approvedPlan(
      "volume.json",
      [
        { id: "s1", tool: "machines_stop", input: { app: "acme-db", machine_id: PG_REPLICA } },
        { id: "s2", tool: "volumes_destroy", input: { app: "acme-db", volume_id: REPLICA_VOLUME } },
      ],
      true,
    );
    const before = liveState();
    const result = await world.cli([
      "apply",
      file,
      "--rehearse",
      "--allow-destructive",
      "--json",
      "--transition-ms",
      "20",
    ]);
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.status).toBe("would-fail");
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]?.step).toBe("s2");
    // The sandbox's text for Fly's 412 on an attached volume (routes-volumes.ts).
    expect(report.failed[0]?.error).toContain(
      `volume ${REPLICA_VOLUME} is attached to machine ${PG_REPLICA}`,
    );
    expect(report.diff.destroyed).toEqual([]);
    expect(liveState()).toBe(before);
  });

  it("--kill-at s2 then --resume reports the same end state as a clean rehearsal", async () => {
    const file = await scalePlan();
    const before = liveState();
    const result = await world.cli([
      "apply",
      file,
      "--rehearse",
      "--kill-at",
      "s2",
      "--json",
      "--transition-ms",
      "20",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.fault).toMatchObject({
      kind: "kill-at",
      crashed: true,
      runs: 2,
      status: "applied",
      sameEndState: true,
    });
    expect(result.stderr).toContain("step s2 was interrupted: adopted");
    expect(liveState()).toBe(before);
  });

  it("--fault-rate 1: every request of the second run fails, and the report says the end state differs (exit 1)", async () => {
    const file = await scalePlan();
    const result = await world.cli([
      "apply",
      file,
      "--rehearse",
      "--fault-rate",
      "1",
      "--json",
      "--transition-ms",
      "20",
    ]);
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.diff.created).toHaveLength(2);
    expect(report.fault).toMatchObject({ kind: "fault-rate", sameEndState: false });
    expect(report.status).toBe("would-fail");
  });

  it("warns of a lease someone holds on live on a machine a step names", async () => {
    const file = await approvedPlan("stop.json", [
      { id: "s1", tool: "machines_stop", input: { app: "demo-web", machine_id: WEB_IAD_1 } },
    ]);
    const lease = await fetch(`${world.sandbox.url}/v1/apps/demo-web/machines/${WEB_IAD_1}/lease`, {
      method: "POST",
      headers: { authorization: `Bearer ${LIVE_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ ttl: 600, description: "a deploy" }),
    });
    expect(lease.ok).toBe(true);
    const result = await world.cli(["apply", file, "--rehearse", "--transition-ms", "20"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `~ machine web-iad-1 (${WEB_IAD_1}) of demo-web: state started -> stopped`,
    );
    expect(result.stdout).toMatch(
      new RegExp(
        `warning: step s1 names machine ${WEB_IAD_1} of demo-web, which \\S+ holds the lease of on live until `,
      ),
    );
  });

  it("--kill-at names a step of the plan (exit 2 otherwise)", async () => {
    const file = await scalePlan();
    const result = await world.cli(["apply", file, "--rehearse", "--kill-at", "s9"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--kill-at s9: the plan has no step with that id");
  });

  it("refuses to rehearse a raw flyctl step, which could reach Fly itself", async () => {
    const file = await approvedPlan("flyctl.json", [
      { id: "s1", tool: "flyctl", input: { args: ["machine", "stop", WEB_IAD_1, "--app", "demo-web"] } },
    ]);
    const result = await world.cli(["apply", file, "--rehearse"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("s1: it runs flyctl");
  });

  it("has examples in --help", async () => {
    const help = await world.cli(["apply", "--help"]);
    expect(help.stdout).toContain("--rehearse");
    expect(help.stdout).toContain("flyops apply plans/scale-web.json --rehearse --kill-at s2");
  });
});

/** Runs `flyops sandbox --from-live ...` until it serves, then stops it. */
function fromLive(
  args: string[],
  extra: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [CLI_PATH, "sandbox", "--from-live", ...args, "--port", "0", "--json"],
      {
        cwd: world.dir,
        env: world.env({ PATH: process.env.PATH ?? "", ...extra }),
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => (stderr += chunk));
    child.stdout.on("data", () => child.kill("SIGTERM"));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

describe("flyops sandbox --from-live", () => {
  it("writes a 0600 copy with secret names and digests but no secret value and no token", async () => {
    const value = `planted-${randomBytes(12).toString("hex")}`;
    const now = world.sandbox.store.now();
    world.sandbox.store.putSecret({
      app: "acme-api",
      name: "PLANTED",
      value,
      digest: "0123456789abcdef",
      createdAt: now,
      updatedAt: now,
    });
    const result = await fromLive(["--app", "acme-api", "--state", "copy.json"]);
    expect(result.stderr).toContain("copied 1 app(s)");
    const path = join(world.dir, "copy.json");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const text = readFileSync(path, "utf8");
    const state = JSON.parse(text) as {
      secrets: { name: string; digest: string }[];
      machines: { id: string }[];
    };
    expect(state.secrets.map((s) => s.name)).toContain("PLANTED");
    expect(state.secrets.find((s) => s.name === "PLANTED")?.digest).toBe("0123456789abcdef");
    expect(state.machines.length).toBe(world.sandbox.store.machines("acme-api").length);
    expect(text).not.toContain(value);
    expect(text).not.toContain(LIVE_TOKEN);
    // A token someone left in a machine's env (the demo fleet plants one) is left out too.
    expect(text).not.toContain(PLANTED_TOKEN);
    expect(text).toContain("[REDACTED]");
  });

  it("withholds secret values of machine configs and every credential this process holds", async () => {
    const held = `held-${randomBytes(12).toString("hex")}`;
    const password = `pw${randomBytes(6).toString("hex")}`;
    const random = randomBytes(32).toString("base64url").slice(0, 43);
    const github = "ghp_" + "x".repeat(36);
    const machine = world.sandbox.store.machines("acme-api")[0]!;
    const before = structuredClone(machine.config);
    machine.config = {
      ...machine.config,
      env: {
        ...machine.config.env,
        DATABASE_URL: `postgres://app:${password}@db.internal:5432/app`,
        SESSION_KEY: "short",
        OPAQUE: random,
        LOG_LEVEL: "debug",
      },
      metadata: { ...machine.config.metadata, note: `rotated with ${held} today`, [github]: "x" },
      files: [{ guest_path: "/etc/creds", raw_value: Buffer.from(held).toString("base64") }],
      containers: [{ name: "side", env: { GH: github } }],
    };
    try {
      const result = await fromLive(["--app", "acme-api", "--state", "held.json"], {
        FLYOPS_WEBHOOK_SECRET: held,
      });
      expect(result.stderr).toContain("copied 1 app(s)");
      const text = readFileSync(join(world.dir, "held.json"), "utf8");
      for (const value of [held, password, random, github, Buffer.from(held).toString("base64")])
        expect(text).not.toContain(value);
      expect(text).not.toContain('"short"');
      expect(text).toContain('"LOG_LEVEL":"debug"');
      expect(text).toContain('"guest_path":"/etc/creds"');
    } finally {
      machine.config = before;
    }
  });
});
