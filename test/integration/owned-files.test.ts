import { lstatSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sandboxHome } from "../support/sandbox-home.js";

/**
 * Files beside a plan are never written through a symbolic link (git carries links; a pull request
 * can plant `PLAN.journal.jsonl -> ~/.bashrc`). The built CLI against a demo sandbox: apply and
 * approve refuse with exit 1, name the file, and leave the link's target and the fleet as they were.
 */

const WEB_IAD_1 = { app: "demo-web", machine_id: "148e272b0e4d89" };
const KEEP = "# the user's own file\nexport PATH=$HOME/bin:$PATH\n";

const world = sandboxHome({ prefix: "flyops-owned-", sandbox: { seed: "demo" } });
const cli = world.cli;
const at = (name: string) => join(world.dir, name);

function writePlan(name: string): string {
  const plan = {
    version: 1,
    request: "stop the machine",
    createdAt: "2026-11-22T10:00:00Z",
    org: "personal",
    summary: "Stop one machine.",
    steps: [{ id: "s1", tool: "machines_stop", reason: "scale down", input: WEB_IAD_1 }],
    preconditions: [{ tool: "machines_get", input: WEB_IAD_1, expect: { state: "started" } }],
  };
  writeFileSync(at(name), `${JSON.stringify(plan, null, 2)}\n`, { mode: 0o600 });
  return name;
}

/** A file the link points to, standing in for ~/.bashrc (an empty one reads as an empty journal). */
function victim(content = KEEP): string {
  writeFileSync(at("bashrc"), content);
  return at("bashrc");
}

const state = () => world.sandbox.store.machine(WEB_IAD_1.machine_id)?.state;

describe("apply beside a planted link", () => {
  it("a journal symlink makes apply refuse with exit 1; nothing is written through the link", async () => {
    const file = writePlan("stop.json");
    expect((await cli(["plan", "approve", file, "--by", "dana"])).code).toBe(0);
    symlinkSync(victim(""), at(`${file}.journal.jsonl`));
    const before = JSON.stringify(world.sandbox.store.toState());

    for (const args of [
      ["apply", file, "--yes"],
      ["apply", file, "--yes", "--resume"],
      ["apply", file, "--dry-run"],
    ]) {
      const apply = await cli(args);
      expect(apply.code, args.join(" ")).toBe(1);
      expect(apply.stderr).toContain(
        `error: refusing to use the apply journal ${at(`${file}.journal.jsonl`)}: it is a symbolic link`,
      );
      expect(apply.stderr).toContain("hint: ");
    }
    const json = await cli(["apply", file, "--yes", "--json"]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: "refused" });

    expect(readFileSync(at("bashrc"), "utf8")).toBe("");
    expect(JSON.stringify(world.sandbox.store.toState())).toBe(before);
    expect(state()).toBe("started");
  });

  it("a dangling journal symlink is not followed to create its target", async () => {
    const file = writePlan("dangling.json");
    expect((await cli(["plan", "approve", file, "--by", "dana"])).code).toBe(0);
    symlinkSync(at("would-be-created"), at(`${file}.journal.jsonl`));
    const apply = await cli(["apply", file, "--yes"]);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain("it is a symbolic link");
    expect(readdirSync(world.dir)).not.toContain("would-be-created");
    expect(state()).toBe("started");
  });

  it("a lock symlink makes apply refuse with exit 1; the link's target and the fleet are unchanged", async () => {
    const file = writePlan("locked.json");
    expect((await cli(["plan", "approve", file, "--by", "dana"])).code).toBe(0);
    symlinkSync(victim(), at(`${file}.journal.jsonl.lock`));
    const apply = await cli(["apply", file, "--yes"]);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(
      `error: refusing to use the apply lock ${at(`${file}.journal.jsonl.lock`)}: it is a symbolic link`,
    );
    expect(readFileSync(at("bashrc"), "utf8")).toBe(KEEP);
    expect(lstatSync(at(`${file}.journal.jsonl.lock`)).isSymbolicLink()).toBe(true);
    // Refused before the first step: no journal entry, no change.
    expect(readdirSync(world.dir)).not.toContain(`${file}.journal.jsonl`);
    expect(state()).toBe("started");
  });
});

describe("plan files behind a link", () => {
  it("plan approve refuses to write through a symlinked plan file; show still reads it", async () => {
    const real = writePlan("real.json");
    const before = readFileSync(at(real), "utf8");
    symlinkSync(at(real), at("linked.json"));

    const show = await cli(["plan", "show", "linked.json"]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain(`stop machine ${WEB_IAD_1.machine_id} of demo-web`);

    const approve = await cli(["plan", "approve", "linked.json", "--by", "dana"]);
    expect(approve.code).toBe(1);
    expect(approve.stderr).toContain(
      `error: refusing to use the plan file ${at("linked.json")}: it is a symbolic link`,
    );
    expect(readFileSync(at(real), "utf8")).toBe(before);
    expect(lstatSync(at("linked.json")).isSymbolicLink()).toBe(true);

    // Approving the real file works as ever.
    expect((await cli(["plan", "approve", real, "--by", "dana"])).code).toBe(0);
    expect(readFileSync(at(real), "utf8")).toContain('"approvedBy": "dana"');
  });

  it("the maker will not write a plan where a link, even a dangling one, already has the name", async () => {
    symlinkSync(at("elsewhere.json"), at("new-plan.json"));
    const make = await cli([
      "plan",
      "--model",
      "local",
      "-o",
      "new-plan.json",
      "stop machine 148e272b0e4d89 of demo-web",
    ]);
    expect(make.code).toBe(2);
    expect(make.stderr).toContain("new-plan.json already exists");
    expect(readdirSync(world.dir)).not.toContain("elsewhere.json");
  });
});
