import { linkSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { describe, expect, it } from "vitest";
import { installFakeFlyctl } from "../support/fake-flyctl.js";
import { SECRETS_STAGED } from "../../tools/secrets.js";
import { sandboxHome } from "../support/sandbox-home.js";

/**
 * `flyops plan approve` and `flyops apply` as a person runs them: the built CLI, no terminal, a
 * demo sandbox on a loopback port standing in for Fly.
 */

const WEB_IAD_1 = { app: "demo-web", machine_id: "148e272b0e4d89" };

const world = sandboxHome({ prefix: "flyops-apply-", sandbox: { seed: "demo" } });
const cli = world.cli;

function writePlan(name: string, steps: unknown[], preconditions: unknown[] = []): string {
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

const stopPlan = () =>
  writePlan(
    "stop.json",
    [{ id: "s1", tool: "machines_stop", reason: "scale down", input: WEB_IAD_1 }],
    [{ tool: "machines_get", input: WEB_IAD_1, expect: { state: "started" } }],
  );

const state = (id: string) => world.sandbox.store.machine(id)?.state;

describe("flyops apply", () => {
  it("approve, then apply --yes stops the machine; the journal records it; a second apply does nothing", async () => {
    const file = stopPlan();
    const approve = await cli(["plan", "approve", file, "--by", "dana"]);
    expect(approve.code, approve.stderr).toBe(0);
    expect(approve.stdout).toContain("approved stop.json");

    const apply = await cli(["apply", file, "--yes"]);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stderr).toContain(
      "precondition 1 (machines_get app=demo-web machine_id=148e272b0e4d89): holds",
    );
    expect(apply.stderr).toContain("[1/1] s1 done");
    expect(state(WEB_IAD_1.machine_id)).toBe("stopped");

    const journalFile = join(world.dir, `${file}.journal.jsonl`);
    expect(statSync(journalFile).mode & 0o777).toBe(0o600);
    const entries = readFileSync(journalFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.map((e) => e.event)).toEqual([
      "apply_started",
      "step_started",
      "step_done",
      "apply_finished",
    ]);
    expect(entries[2]).toMatchObject({
      step: "s1",
      changed: { machine_id: WEB_IAD_1.machine_id, state: "stopped" },
    });

    const again = await cli(["apply", file, "--yes", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("already applied");
    expect(JSON.parse(again.stdout)).toMatchObject({
      status: "already-applied",
      steps: [{ id: "s1", outcome: "done-before" }],
    });
    expect(readFileSync(journalFile, "utf8").trim().split("\n")).toHaveLength(4);
    expect(state(WEB_IAD_1.machine_id)).toBe("stopped");
  });

  it("refuses a plan edited after approval without a terminal, and changes nothing", async () => {
    const file = stopPlan();
    expect((await cli(["plan", "approve", file, "--by", "dana"])).code).toBe(0);
    const approved = JSON.parse(readFileSync(join(world.dir, file), "utf8")) as {
      steps: Array<{ input: Record<string, string> }>;
    };
    approved.steps[0]!.input.machine_id = "d8d9e21a7c3e18";
    writeFileSync(join(world.dir, file), JSON.stringify(approved, null, 2));
    const before = JSON.stringify(world.sandbox.store.toState());

    const apply = await cli(["apply", file, "--yes"]);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/error: the plan changed after dana approved it/);
    expect(JSON.stringify(world.sandbox.store.toState())).toBe(before);
    expect(readdirSync(world.dir)).not.toContain(`${file}.journal.jsonl`);
  });

  it("refuses a plan whose precondition no longer holds, with the expected and found values", async () => {
    const file = stopPlan();
    expect((await cli(["plan", "approve", file, "--by", "dana"])).code).toBe(0);
    // Someone else stops the machine meanwhile.
    expect((await cli(["fly", "stop", "machine", WEB_IAD_1.machine_id, "--app", "demo-web"])).code).toBe(0);
    expect(state(WEB_IAD_1.machine_id)).toBe("stopped");

    const apply = await cli(["apply", file, "--yes"]);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('expected {"state":"started"}, found {"state":"stopped"}');
    expect(apply.stderr).toContain("--ignore-drift");
    expect(readdirSync(world.dir)).not.toContain(`${file}.journal.jsonl`);
  });

  it("refuses without --yes when there is no terminal to ask on", async () => {
    const file = stopPlan();
    expect((await cli(["plan", "approve", file, "--by", "dana"])).code).toBe(0);
    const apply = await cli(["apply", file]);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain("--yes");
    expect(state(WEB_IAD_1.machine_id)).toBe("started");
  });

  it("sets a secret from the environment; its value is in no plan, journal, output or file", async () => {
    const value = "postgres://app:" + "v".repeat(20) + "@db.internal:5432/app";
    const file = writePlan("secret.json", [
      {
        id: "s1",
        tool: "secrets_set",
        reason: "rotate",
        input: { app: "demo-web", secrets: { DATABASE_URL: { fromEnv: "NEW_DATABASE_URL" } } },
      },
    ]);
    expect((await cli(["plan", "approve", file, "--by", "dana"])).code).toBe(0);
    const show = await cli(["plan", "show", file]);
    expect(show.stdout).toContain(
      `stage secrets of demo-web: DATABASE_URL (from env NEW_DATABASE_URL) (${SECRETS_STAGED})`,
    );

    const apply = await cli(["apply", file, "--yes", "--json"], {
      NEW_DATABASE_URL: value,
      FLYOPS_DEBUG: "1",
    });
    expect(apply.code, apply.stderr).toBe(0);
    expect(world.sandbox.store.secretValue("demo-web", "DATABASE_URL")).toBe(value);
    expect(JSON.parse(apply.stdout)).toMatchObject({
      status: "applied",
      steps: [{ changed: { secrets: ["DATABASE_URL"] } }],
    });

    // An ask afterwards writes the history file; the value must not be in it either.
    const ask = await cli(["ask", "--model", "local", "what secrets does demo-web have?"]);
    expect(ask.code, ask.stderr).toBe(0);
    expect(apply.stdout + apply.stderr).not.toContain(value);
    const files = readdirSync(world.dir, { recursive: true, withFileTypes: true }).filter((entry) =>
      entry.isFile(),
    );
    expect(files.map((f) => f.name)).toContain(`${file}.journal.jsonl`);
    expect(files.some((f) => f.parentPath.startsWith(join(world.dir, "state")))).toBe(true);
    for (const entry of files) {
      expect(readFileSync(join(entry.parentPath, entry.name), "utf8"), entry.name).not.toContain(value);
    }
  });

  it("never copies the operator's credentials into an app secret, by name or by value", async () => {
    const modelKey = "sk-" + "k".repeat(40);
    const byName = writePlan("by-name.json", [
      {
        id: "s1",
        tool: "secrets_set",
        reason: "x",
        input: { app: "demo-web", secrets: { T: { fromEnv: "FLY_API_TOKEN" } } },
      },
    ]);
    const check = await cli(["plan", "check", byName, "--json"]);
    expect(check.code).toBe(1);
    expect(JSON.parse(check.stdout)).toMatchObject({ findings: [{ rule: "secret-source" }] });

    // An innocent name holding the same value gets past the validator; apply still refuses it.
    for (const [name, value] of [
      ["FLY_API_TOKEN", world.sandbox.env.FLY_API_TOKEN!],
      ["OPENAI_API_KEY", modelKey],
      ["FLYOPS_MODEL_API_KEY", modelKey],
    ] as const) {
      const file = writePlan(`by-value-${name}.json`, [
        {
          id: "s1",
          tool: "secrets_set",
          reason: "x",
          input: { app: "demo-web", secrets: { INNOCENT: { fromEnv: "COPY" } } },
        },
      ]);
      expect((await cli(["plan", "approve", file, "--by", "dana"])).code).toBe(0);
      const apply = await cli(["apply", file, "--yes"], { [name]: value, COPY: value });
      expect(apply.code).toBe(1);
      expect(apply.stderr).toContain("secret INNOCENT: the value read from environment variable COPY");
      expect(apply.stderr + apply.stdout).not.toContain(value);
      expect(world.sandbox.store.secretValue("demo-web", "INNOCENT")).toBeUndefined();
    }
  });

  it("never reads flyctl's token through a hard link, nor sends a copy of it", async () => {
    const flyctlToken = "fo1_" + "h".repeat(43); // built at run time: no token literal in the repository
    mkdirSync(join(world.dir, ".fly"), { recursive: true });
    writeFileSync(join(world.dir, ".fly", "config.yml"), `access_token: ${flyctlToken}\n`);
    linkSync(join(world.dir, ".fly", "config.yml"), join(world.dir, "hard.txt"));
    writeFileSync(join(world.dir, "copy.txt"), `${flyctlToken}\n`);
    try {
      for (const [source, said] of [
        ["hard.txt", "(a hard link)"],
        ["copy.txt", "is, or contains, a credential flyops holds"],
      ] as const) {
        const file = writePlan(`link-${source}.json`, [
          {
            id: "s1",
            tool: "secrets_set",
            reason: "x",
            input: { app: "demo-web", secrets: { INNOCENT: { fromFile: source } } },
          },
        ]);
        expect((await cli(["plan", "approve", file, "--by", "dana"])).code).toBe(0);
        const apply = await cli(["apply", file, "--yes"]);
        expect(apply.code).toBe(1);
        expect(apply.stderr).toContain(said);
        expect(apply.stderr + apply.stdout).not.toContain(flyctlToken);
        expect(world.sandbox.store.secretValue("demo-web", "INNOCENT")).toBeUndefined();
      }
    } finally {
      rmSync(join(world.dir, ".fly"), { recursive: true, force: true });
      rmSync(join(world.dir, "hard.txt"), { force: true });
      rmSync(join(world.dir, "copy.txt"), { force: true });
    }
  });

  it("runs a raw flyctl step through the runner, against the same API, only once the validator passed it", async () => {
    const fake = installFakeFlyctl();
    try {
      const path = [fake.binDir, process.env.PATH ?? ""].join(delimiter);
      const file = writePlan("scale.json", [
        {
          id: "s1",
          tool: "flyctl",
          reason: "more capacity",
          input: { args: ["scale", "count", "4", "-a", "demo-web", "--yes"] },
        },
      ]);
      expect((await cli(["plan", "approve", file, "--by", "dana"])).code).toBe(0);
      const apply = await cli(["apply", file, "--yes"], {
        PATH: path,
        FLY_ACCESS_TOKEN: "stale",
        FLY_FLAPS_BASE_URL: "http://elsewhere.invalid",
      });
      expect(apply.code, apply.stderr).toBe(0);
      expect(world.sandbox.store.machines("demo-web")).toHaveLength(4);
      const [call] = fake.calls();
      expect(call?.argv).toEqual(["scale", "count", "4", "-a", "demo-web", "--yes"]);
      expect(call?.env).toMatchObject({
        FLY_API_TOKEN: world.sandbox.env.FLY_API_TOKEN,
        FLY_FLAPS_BASE_URL: world.sandbox.url,
      });
      expect(call?.env).not.toHaveProperty("FLY_ACCESS_TOKEN");

      const leak = writePlan("leak.json", [
        { id: "s1", tool: "flyctl", reason: "x", input: { args: ["auth", "token"] } },
      ]);
      const refused = await cli(["apply", leak, "--yes"], { PATH: path });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("the validator blocks this plan");
      expect(fake.calls()).toHaveLength(1);
    } finally {
      fake.cleanup();
    }
  });
});
