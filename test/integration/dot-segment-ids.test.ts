import { existsSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planDigest } from "../../src/plan/schema/canonical.js";
import { sandboxHome } from "../support/sandbox-home.js";
import { TEST_TOKEN } from "./sandbox-http.js";

/**
 * The red-team finding: a plan that reads "destroy volume .. of demo-web" deleted the app demo-web
 * (undici resolved /v1/apps/demo-web/volumes/.. to /v1/apps/demo-web/). Such a plan is now
 * blocked by `plan check` even with --allow-destructive, cannot be approved, and applied with a
 * hand-made approval it changes nothing. The sandbox refuses such paths itself, too.
 */

const world = sandboxHome({ prefix: "flyops-dot-ids-", sandbox: { seed: "demo" } });
const cli = world.cli;

const HOSTILE_IDS = ["..", "%2e%2e", "vol_6upl3f9b5h7m2xzc/.."];
const STARTED = { app: "demo-web", machine_id: "148e272b0e4d89" };

interface Finding {
  step?: string;
  rule: string;
  severity: string;
  message: string;
}

function writePlan(name: string, steps: unknown[], preconditions: unknown[] = [], approve = false): string {
  const plan: Record<string, unknown> = {
    version: 1,
    request: "clean up",
    createdAt: "2026-11-22T10:00:00Z",
    org: "personal",
    summary: "Remove what is not used.",
    steps,
    preconditions,
  };
  // What a hostile pull request can carry: the approval is a digest, not a signature.
  if (approve)
    plan.approval = { sha256: planDigest(plan), approvedAt: "2026-11-22T10:05:00Z", approvedBy: "dana" };
  writeFileSync(join(world.dir, name), `${JSON.stringify(plan, null, 2)}\n`, { mode: 0o600 });
  return name;
}

const destroyVolume = (id: string) => ({
  id: "s1",
  tool: "volumes_destroy",
  reason: "unused volume",
  input: { app: "demo-web", volume_id: id },
});
const destroyMachine = (id: string) => ({
  id: "s1",
  tool: "machines_destroy",
  reason: "unused machine",
  input: { app: "demo-web", machine_id: id, force: true },
});
const stop = { id: "s1", tool: "machines_stop", reason: "quiet hours", input: STARTED };

const cases = HOSTILE_IDS.flatMap((id) => [
  {
    name: `volumes_destroy volume_id ${JSON.stringify(id)}`,
    field: "volume_id",
    steps: [destroyVolume(id)],
    pre: [],
  },
  {
    name: `machines_destroy machine_id ${JSON.stringify(id)}`,
    field: "machine_id",
    steps: [destroyMachine(id)],
    pre: [],
  },
  {
    name: `a precondition with machine_id ${JSON.stringify(id)}`,
    field: "machine_id",
    steps: [stop],
    pre: [{ tool: "machines_get", input: { app: "demo-web", machine_id: id }, expect: { exists: true } }],
  },
]);

describe("ids that would leave their path segment", () => {
  it.each(cases)(
    "$name: plan check blocks it even with --allow-destructive",
    async ({ steps, pre, field }) => {
      const file = writePlan("hostile.json", steps, pre);
      const check = await cli(["plan", "check", file, "--allow-destructive", "--json"]);
      expect(check.code, check.stderr).toBe(1);
      const verdict = JSON.parse(check.stdout) as { ok: boolean; findings: Finding[] };
      expect(verdict.ok).toBe(false);
      const blocking = verdict.findings.filter((f) => f.severity === "block");
      expect(blocking.map((f) => f.rule)).toEqual([pre.length > 0 ? "precondition-input" : "tool-input"]);
      expect(blocking[0]?.message).toContain(`${field}: expected a Fly`);
    },
  );

  it("plan approve refuses to approve such a plan", async () => {
    const file = writePlan("hostile.json", [destroyVolume("..")]);
    const approve = await cli(["plan", "approve", file, "--allow-destructive", "--by", "dana"]);
    expect(approve.code).toBe(1);
    expect(approve.stderr).toContain("the validator blocks it");
    expect(approve.stderr).toContain("volume_id: expected a Fly volume id");
  });

  it.each(cases)("$name: apply of it, approved by hand, changes nothing", async ({ steps, pre }) => {
    const file = writePlan("hostile-approved.json", steps, pre, true);
    const before = JSON.stringify(world.sandbox.store.toState());
    const apply = await cli(["apply", file, "--yes", "--allow-destructive"]);
    expect(apply.code, apply.stderr).toBe(1);
    expect(apply.stderr).toMatch(/expected a Fly (volume|machine) id/);
    expect(world.sandbox.store.app("demo-web")).toBeDefined();
    expect(JSON.stringify(world.sandbox.store.toState())).toBe(before);
    expect(existsSync(join(world.dir, `${file}.journal.jsonl`))).toBe(false);
  });

  it("the same plan with the real id is accepted and destroys only the volume", async () => {
    const file = writePlan("real.json", [destroyVolume("vol_6upl3f9b5h7m2xzc")]);
    expect((await cli(["plan", "approve", file, "--allow-destructive", "--by", "dana"])).code).toBe(0);
    const apply = await cli(["apply", file, "--yes", "--allow-destructive"]);
    expect(apply.code, apply.stderr).toBe(0);
    expect(world.sandbox.store.app("demo-web")).toBeDefined();
    expect(world.sandbox.store.volumes("demo-web").find((v) => v.id === "vol_6upl3f9b5h7m2xzc")?.state).toBe(
      "destroyed",
    );
  });
});

/** A request whose path goes on the wire exactly as written: node:http resolves nothing. */
function raw(url: string, method: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/`,
      { method, path, headers: { authorization: `Bearer ${TEST_TOKEN}` } },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("the sandbox, sent such a path by a client that does not resolve it", () => {
  it.each([
    "/v1/apps/demo-web/volumes/..",
    "/v1/apps/demo-web/volumes/.",
    "/v1/apps/demo-web/volumes/%2e%2e",
    "/v1/apps/demo-web/volumes/.%2E",
    "/v1/apps/demo-web/machines/../../demo-web",
    "/v1/apps/demo-web/volumes/a%2Fb",
    "/v1/apps/demo-web/volumes/a%5cb",
    "/v1/apps/demo-web/volumes/a\\b",
    "/v1/apps//volumes",
    "/v1/apps/demo-web/",
  ])("answers DELETE %s with 400 and deletes nothing", async (path) => {
    const before = JSON.stringify(world.sandbox.store.toState());
    const reply = await raw(world.sandbox.url, "DELETE", path);
    expect(reply.status).toBe(400);
    expect(reply.body).toContain("invalid request path");
    expect(JSON.stringify(world.sandbox.store.toState())).toBe(before);
  });

  it("still answers the clean path", async () => {
    const reply = await raw(world.sandbox.url, "GET", "/v1/apps/demo-web/volumes/vol_6upl3f9b5h7m2xzc");
    expect(reply.status).toBe(200);
  });
});
