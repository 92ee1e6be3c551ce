import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planDigest } from "../../src/plan/schema/canonical.js";
import { sandboxHome } from "../support/sandbox-home.js";

/** `flyops plan approve` and `flyops plan show` on plan files, through the built CLI. */

// No Fly credentials at all: approving is local, and show says what it could not check.
const world = sandboxHome({ prefix: "flyops-plan-approve-", sandbox: false, per: "file" });
const cli = (args: string[]) => world.cli(args, { USER: "dana" });

function writePlan(name: string, steps: unknown[]): string {
  const plan = {
    version: 1,
    request: "test",
    createdAt: "2026-11-22T10:00:00Z",
    org: "personal",
    summary: "A test plan.",
    steps,
    preconditions: [{ tool: "apps_get", input: { app: "demo-web" }, expect: { exists: true } }],
  };
  writeFileSync(join(world.dir, name), JSON.stringify(plan, null, 2), { mode: 0o644 });
  return name;
}

const stop = {
  id: "s1",
  tool: "machines_stop",
  reason: "asked",
  input: { app: "demo-web", machine_id: "148e272b0e4d89" },
};

describe("flyops plan approve", () => {
  it("records the digest, who and when; defaults to $USER; keeps the file private", async () => {
    const file = writePlan("stop.json", [stop]);
    const run = await cli(["plan", "approve", file, "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const plan = JSON.parse(readFileSync(join(world.dir, file), "utf8")) as {
      approval: { sha256: string; approvedBy: string; approvedAt: string };
    };
    expect(plan.approval.sha256).toBe(planDigest(plan));
    expect(plan.approval.approvedBy).toBe("dana");
    expect(Date.parse(plan.approval.approvedAt)).not.toBeNaN();
    expect(JSON.parse(run.stdout)).toEqual({ file, approval: plan.approval });
    expect(statSync(join(world.dir, file)).mode & 0o777).toBe(0o600);
  });

  it("shows a changed plan as such, and a new approval replaces the old one", async () => {
    const file = writePlan("edit.json", [stop]);
    expect((await cli(["plan", "approve", file, "--by", "lee"])).code).toBe(0);
    const plan = JSON.parse(readFileSync(join(world.dir, file), "utf8")) as { summary: string };
    plan.summary = "Something else.";
    writeFileSync(join(world.dir, file), JSON.stringify(plan));

    const show = await cli(["plan", "show", file]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain("CHANGED since lee approved it");
    expect(show.stdout).toContain("[write] stop machine 148e272b0e4d89 of demo-web");
    expect(show.stdout).toMatch(/not checked: .*FLY_API_TOKEN/);

    const again = await cli(["plan", "approve", file, "--by", "dana"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("the plan changed since lee approved it");
    expect((await cli(["plan", "show", file])).stdout).toContain("approved by dana");
  });

  it("says in its help that the approval is an integrity check, not authentication", async () => {
    const help = await cli(["plan", "approve", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout.replace(/\s+/g, " ")).toContain(
      "The approval is an integrity check, not authentication: the sha256 is not signed",
    );
  });

  it("refuses a plan the validator blocks (exit 1) and an unreadable one (exit 2)", async () => {
    const file = writePlan("destroy.json", [
      {
        id: "s1",
        tool: "volumes_destroy",
        reason: "asked",
        input: { app: "demo-web", volume_id: "vol_6upl3f9b5h7m2xzc" },
      },
    ]);
    const blocked = await cli(["plan", "approve", file]);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain("volumes_destroy is destructive");
    expect(readFileSync(join(world.dir, file), "utf8")).not.toContain("approval");
    expect((await cli(["plan", "approve", file, "--destroyer"])).code).toBe(0);

    writeFileSync(join(world.dir, "broken.json"), "{ not json");
    expect((await cli(["plan", "approve", "broken.json"])).code).toBe(2);
    expect((await cli(["plan", "approve", "missing.json"])).code).toBe(2);
  });
});
