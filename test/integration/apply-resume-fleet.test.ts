import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sandboxHome } from "../support/sandbox-home.js";
import { applyAndKill } from "../support/apply-and-kill.js";

/**
 * A scale and a rolling restart, planned by the local model, applied by the built CLI and killed
 * with SIGKILL in the middle, then resumed: the app ends with exactly what was asked for.
 */

const world = sandboxHome({ prefix: "flyops-resume-fleet-", sandbox: { seed: "demo" } });

async function approvedPlan(request: string, file: string): Promise<string> {
  const made = await world.cli(["plan", request, "--model", "local", "-o", file]);
  expect(made.code, made.stderr).toBe(0);
  const approve = await world.cli(["plan", "approve", file, "--by", "dana"]);
  expect(approve.code, approve.stderr).toBe(0);
  return file;
}

function steps(file: string): { id: string; tool: string; input: Record<string, unknown> }[] {
  return (
    JSON.parse(readFileSync(join(world.dir, file), "utf8")) as {
      steps: { id: string; tool: string; input: Record<string, unknown> }[];
    }
  ).steps;
}

const live = () => world.sandbox.store.machines("demo-web").filter((m) => m.state !== "destroyed");

describe("apply --resume after SIGKILL, in a scale and a rolling restart", () => {
  it("a scale killed after its first copy was created, before that was journaled, ends with exactly the count", async () => {
    expect(live()).toHaveLength(3);
    const file = await approvedPlan("scale demo-web to 5 machines", "scale.json");
    expect(steps(file).map((s) => s.id)).toEqual(["s1.1", "s1.2"]);
    await applyAndKill(world, file, "s1.1", "ran");
    expect(live()).toHaveLength(4);
    const resume = await world.cli(["apply", file, "--yes", "--resume"]);
    expect(resume.code, resume.stderr).toBe(0);
    expect(resume.stderr).toContain("adopted");
    expect(live()).toHaveLength(5);
    const names = live().map((m) => m.name);
    expect(new Set(names).size).toBe(5);
    const again = await world.cli(["apply", file, "--yes", "--resume"]);
    expect(again.stderr).toContain("already applied");
    expect(live()).toHaveLength(5);
  });

  it("a rolling restart killed at its second machine resumes with the person's word and leaves every machine running", async () => {
    const file = await approvedPlan("restart all machines of demo-web", "restart.json");
    const planned = steps(file);
    expect(planned.map((s) => s.tool)).toEqual(["machines_restart", "machines_restart"]);
    await applyAndKill(world, file, "s1.2", "started");
    // A restart leaves no trace: flyops will not guess whether it happened.
    const asks = await world.cli(["apply", file, "--yes", "--resume"]);
    expect(asks.code).toBe(1);
    const resume = await world.cli(["apply", file, "--yes", "--resume", "--interrupted", "retry"]);
    expect(resume.code, resume.stderr).toBe(0);
    expect(resume.stderr).toContain("s1.1 done before; skipped");
    for (const step of planned)
      expect(world.sandbox.store.machine(String(step.input.machine_id))?.state).toBe("started");
  });
});
