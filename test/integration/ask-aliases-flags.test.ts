import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sandboxHome } from "../support/sandbox-home.js";

/**
 * Both fronts take the same flags: `--destroyer` is `--allow-destructive` wherever that exists, and
 * `ask --apply --plan-file` passes apply's own flags through to it.
 */

const WEB_IAD_1 = { app: "demo-web", machine_id: "148e272b0e4d89" };
const UPLOADS = { app: "demo-web", volume_id: "vol_6upl3f9b5h7m2xzc" };

const world = sandboxHome({ prefix: "flyops-ask-aliases-flags-", sandbox: { seed: "demo" } });
const cli = (...args: string[]) => world.cli(args);

function writePlan(name: string, steps: unknown[], preconditions: unknown[]): string {
  const plan = {
    version: 1,
    request: "test",
    createdAt: "2026-11-22T10:00:00Z",
    org: "personal",
    summary: "A test plan.",
    steps,
    preconditions,
  };
  writeFileSync(join(world.dir, name), `${JSON.stringify(plan, null, 2)}\n`, { mode: 0o600 });
  return name;
}

describe("--destroyer, an alias of --allow-destructive", () => {
  it("is accepted by plan, ask --maker, plan check, plan approve, apply and ask --apply", async () => {
    const request = "destroy volume vol_6upl3f9b5h7m2xzc of demo-web";
    for (const front of [["plan"], ["ask", "--maker"]]) {
      const refused = await cli(...front, request, "--model", "local", "-o", "refused.json");
      expect(refused.code, refused.stderr).toBe(1);
      const made = await cli(
        ...front,
        request,
        "--model",
        "local",
        "--destroyer",
        "-o",
        `${front.length}.json`,
      );
      expect(made.code, made.stderr).toBe(0);
    }

    const file = writePlan(
      "destroy.json",
      [{ id: "s1", tool: "volumes_destroy", reason: "asked", input: UPLOADS }],
      [{ tool: "volumes_get", input: UPLOADS, expect: { exists: true } }],
    );
    expect((await cli("plan", "check", file)).code).toBe(1);
    expect((await cli("plan", "check", file, "--destroyer")).code).toBe(0);
    expect((await cli("plan", "approve", file, "--by", "dana")).code).toBe(1);
    expect((await cli("plan", "approve", file, "--by", "dana", "--destroyer")).code).toBe(0);

    for (const front of [
      ["apply", file],
      ["ask", "--apply", "--plan-file", file],
    ]) {
      const refused = await cli(...front, "--yes", "--dry-run");
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("--allow-destructive");
      const dry = await cli(...front, "--yes", "--dry-run", "--destroyer");
      expect(dry.code, dry.stderr).toBe(0);
    }
    expect(world.sandbox.store.volume(UPLOADS.volume_id)).toBeDefined();
  });
});

describe("ask --apply passes apply's flags through", () => {
  it("takes --ignore-drift, --secrets-via and --interrupted like apply", async () => {
    const file = writePlan(
      "stop.json",
      [{ id: "s1", tool: "machines_stop", reason: "scale down", input: WEB_IAD_1 }],
      [{ tool: "machines_get", input: WEB_IAD_1, expect: { state: "started" } }],
    );
    expect((await cli("plan", "approve", file, "--by", "dana")).code).toBe(0);
    // Someone else stops the machine meanwhile: the plan's precondition no longer holds.
    expect((await cli("fly", "stop", "machine", WEB_IAD_1.machine_id, "--app", "demo-web")).code).toBe(0);

    for (const front of [
      ["apply", file],
      ["ask", "--apply", "--plan-file", file],
    ]) {
      const drift = await cli(...front, "--yes", "--dry-run");
      expect(drift.code).toBe(1);
      expect(drift.stderr).toContain('expected {"state":"started"}, found {"state":"stopped"}');
      const ignored = await cli(...front, "--yes", "--dry-run", "--ignore-drift", "--secrets-via", "flyctl");
      expect(ignored.code, ignored.stderr).toBe(0);

      const interrupted = await cli(...front, "--yes", "--interrupted", "done");
      expect(interrupted.code).toBe(2);
      expect(interrupted.stderr).toContain("--interrupted only applies with --resume");
      const via = await cli(...front, "--secrets-via", "shell");
      expect(via.code).toBe(2);
      expect(via.stderr).toMatch(/--secrets-via <how>' argument 'shell' is invalid/);
    }

    const misplaced = await cli("ask", "--ignore-drift", "--secrets-via", "rest", "which apps?");
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toContain(
      "--ignore-drift, --secrets-via can only be used with --maker or --apply",
    );
  });
});
