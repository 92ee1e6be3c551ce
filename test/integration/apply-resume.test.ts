import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sandboxHome } from "../support/sandbox-home.js";
import { applyAndKill } from "../support/apply-and-kill.js";

/**
 * An apply killed with SIGKILL in the middle, then `apply --resume`, ends with exactly the
 * resources the plan asked for. The built apply runs from a launcher that holds it, through the
 * applier's onStep observer, at a chosen point, so the kill lands there every time.
 */

const world = sandboxHome({ prefix: "flyops-resume-", sandbox: { seed: "demo" } });

const guest = { cpu_kind: "shared", cpus: 1, memory_mb: 256 };

/** Three creates: a machine, a volume, a machine. */
async function approvedCreates(): Promise<string> {
  const plan = {
    version: 1,
    request: "two web machines and a cache volume in iad",
    createdAt: "2026-11-22T10:00:00Z",
    org: "personal",
    summary: "Two machines and a volume for demo-web in iad.",
    steps: [
      {
        id: "s1",
        tool: "machines_create",
        reason: "capacity",
        input: { app: "demo-web", region: "iad", name: "web-iad-3", guest },
      },
      {
        id: "s2",
        tool: "volumes_create",
        reason: "cache",
        input: { app: "demo-web", region: "iad", name: "web_cache", size_gb: 1 },
      },
      {
        id: "s3",
        tool: "machines_create",
        reason: "capacity",
        input: { app: "demo-web", region: "iad", name: "web-iad-4", guest },
      },
    ],
    preconditions: [{ tool: "apps_get", input: { app: "demo-web" }, expect: { exists: true } }],
  };
  writeFileSync(join(world.dir, "creates.json"), JSON.stringify(plan, null, 2), { mode: 0o600 });
  const approve = await world.cli(["plan", "approve", "creates.json", "--by", "dana"]);
  expect(approve.code, approve.stderr).toBe(0);
  return "creates.json";
}

function counts(): { machines: Record<string, number>; volumes: Record<string, number> } {
  const tally = (names: Array<string | null | undefined>) =>
    names.reduce<Record<string, number>>(
      (acc, name) => ({ ...acc, [name ?? "?"]: (acc[name ?? "?"] ?? 0) + 1 }),
      {},
    );
  return {
    machines: tally(world.sandbox.store.machines("demo-web").map((m) => m.name)),
    volumes: tally(world.sandbox.store.volumes("demo-web").map((v) => v.name)),
  };
}

describe("flyops apply --resume after SIGKILL", () => {
  it.each([
    [
      "after journaling the start of s2, before the volume is created",
      "started",
      "nothing was created before the interruption",
    ],
    ["after the volume of s2 is created, before its success is journaled", "ran", "adopted vol_"],
  ])("killed %s: the resume creates exactly what the plan asks for", async (_when, moment, reconciled) => {
    const file = await approvedCreates();
    const before = counts();
    const stderr = await applyAndKill(world, file, "s2", moment as "started" | "ran");
    expect(stderr).toContain("[1/3] s1 done");

    const plain = await world.cli(["apply", file, "--yes"]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain(`flyops apply ${file} --resume`);

    const resume = await world.cli(["apply", file, "--yes", "--resume"]);
    expect(resume.code, resume.stderr).toBe(0);
    expect(resume.stderr).toContain(reconciled);
    expect(resume.stderr).toContain("s1 done before; skipped");

    const after = counts();
    expect(after.machines).toEqual({ ...before.machines, "web-iad-3": 1, "web-iad-4": 1 });
    expect(after.volumes).toEqual({ ...before.volumes, web_cache: 1 });

    const journal = readFileSync(join(world.dir, `${file}.journal.jsonl`), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(journal.at(-1)).toMatchObject({ event: "apply_finished" });
    const done = journal.filter((e) => e.event === "step_done").map((e) => e.step);
    expect(done).toEqual(["s1", "s2", "s3"]);

    const again = await world.cli(["apply", file, "--yes", "--resume"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("already applied");
    expect(counts()).toEqual(after);
  });
});
