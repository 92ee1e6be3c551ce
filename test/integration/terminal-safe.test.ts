import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startMockOpenAI } from "../support/mock-openai.js";
import type { MockModelServer } from "../support/mock-model-turns.js";
import { sandboxHome } from "../support/sandbox-home.js";

/**
 * What a reviewer reads is what runs: the built CLI, a demo sandbox, and plans, API results and
 * model answers that hold ANSI escapes, bidi and invisible characters. Nothing of them reaches the
 * terminal raw; everything shows escaped.
 */

// Cursor up one line, erase it: the red-team's way to overwrite "[destructive] destroy machine …".
const ANSI = "\u001b[1A\u001b[2K";
const SHOWN = "\\u001b[1A\\u001b[2K";
// Anything a terminal acts on or hides (controls but newline and tab, format characters such as
// bidi, zero-width and tag characters, separators), as the output must never carry it.
const RAW = /(?![\n\t])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

const WEB_IAD_1 = { app: "demo-web", machine_id: "148e272b0e4d89" };

const world = sandboxHome({ prefix: "flyops-terminal-", sandbox: { seed: "demo" } });
const cli = world.cli;

function writePlan(name: string, steps: unknown[], extra: Record<string, unknown> = {}): string {
  const plan = {
    version: 1,
    request: "stop the machine",
    createdAt: "2026-11-22T10:00:00Z",
    org: "personal",
    summary: "Stop one machine.",
    steps,
    preconditions: [],
    ...extra,
  };
  writeFileSync(join(world.dir, name), `${JSON.stringify(plan, null, 2)}\n`, { mode: 0o600 });
  return name;
}

const state = (id: string) => world.sandbox.store.machine(id)?.state;

describe("a plan with ANSI escapes in a reason and in an id", () => {
  const hostile = () =>
    writePlan(
      "hostile.json",
      [
        {
          id: "s1",
          tool: "machines_stop",
          reason: `looks harmless${ANSI}\u202e`,
          input: { app: "demo-web", machine_id: `${WEB_IAD_1.machine_id}${ANSI}` },
        },
      ],
      { summary: `Nothing to see.${ANSI}`, request: `stop it\u{e0041}\u{e0042}` },
    );

  it("plan show prints every value escaped and says the validator blocks the id", async () => {
    const file = hostile();
    const show = await cli(["plan", "show", file]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout + show.stderr).not.toMatch(RAW);
    // An input its tool rejects is shown as written, escaped, not described.
    expect(show.stdout).toContain(
      `machines_stop {"app":"demo-web","machine_id":"${WEB_IAD_1.machine_id}${SHOWN}"}`,
    );
    expect(show.stdout).toContain(`why: looks harmless${SHOWN}\\u202e`);
    expect(show.stdout).toContain(`summary:  Nothing to see.${SHOWN}`);
    expect(show.stdout).toContain("request:  stop it\\u{e0041}\\u{e0042}");
    expect(show.stdout).toContain("Validator: BLOCKED");
    expect(show.stdout).toMatch(
      /block: s1: steps\[0\]\.input\.machine_id: holds characters .*\\u001b.*\[control-character\]/,
    );

    // --json stays JSON, and means the same values.
    const json = await cli(["plan", "show", file, "--json"]);
    expect(json.stdout).not.toMatch(RAW);
    const review = JSON.parse(json.stdout) as { steps: Array<{ reason: string }>; request: string };
    expect(review.steps[0]?.reason).toBe(`looks harmless${ANSI}\u202e`);
    expect(review.request).toBe("stop it\u{e0041}\u{e0042}");
  });

  it("plan check blocks it under the control-character rule, text and JSON", async () => {
    const file = hostile();
    const check = await cli(["plan", "check", file]);
    expect(check.code).toBe(1);
    expect(check.stdout).not.toMatch(RAW);
    expect(check.stdout).toContain("BLOCK s1 [control-character] steps[0].input.machine_id");
    const json = await cli(["plan", "check", file, "--json"]);
    const verdict = JSON.parse(json.stdout) as { findings: Array<{ rule: string; step: string }> };
    expect(verdict.findings).toContainEqual(
      expect.objectContaining({ step: "s1", rule: "control-character" }),
    );
  });

  it("apply refuses it with the findings escaped, and changes nothing", async () => {
    const file = hostile();
    const apply = await cli(["apply", file, "--yes"]);
    expect(apply.code).toBe(1);
    expect(apply.stdout + apply.stderr).not.toMatch(RAW);
    expect(apply.stderr).toContain("error: the validator blocks this plan");
    expect(apply.stderr).toContain(
      "s1: steps[0].input.machine_id: holds characters a terminal acts on or hides (\\u001b)",
    );
    expect(state(WEB_IAD_1.machine_id)).toBe("started");

    const step = writePlan("bad-id.json", [
      { id: `s1${ANSI}`, tool: "machines_stop", reason: "x", input: WEB_IAD_1 },
    ]);
    const byId = await cli(["apply", step, "--yes"]);
    expect(byId.code).toBe(1);
    expect(byId.stderr).not.toMatch(RAW);
    expect(byId.stderr).toContain(`s1${SHOWN}: steps[0].id`);
    expect(state(WEB_IAD_1.machine_id)).toBe("started");
  });

  it("apply of a valid plan prints every line before the confirmation escaped, reason and approver included", async () => {
    const file = writePlan("reason.json", [
      { id: "s1", tool: "machines_stop", reason: `scale down${ANSI}`, input: WEB_IAD_1 },
    ]);
    const approve = await cli(["plan", "approve", file, "--by", `dana${ANSI}\u2066`]);
    expect(approve.code, approve.stderr).toBe(0);
    expect(approve.stdout).toContain(`by dana${SHOWN}\\u2066 at`);
    expect(approve.stdout).not.toMatch(RAW);

    const apply = await cli(["apply", file, "--yes"]);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout + apply.stderr).not.toMatch(RAW);
    expect(apply.stderr).toContain(`approved by dana${SHOWN}\\u2066 at`);
    expect(apply.stderr).toContain(`stop machine ${WEB_IAD_1.machine_id} of demo-web`);
    expect(state(WEB_IAD_1.machine_id)).toBe("stopped");

    const again = await cli(["apply", file, "--yes", "--json"]);
    expect(again.stdout).not.toMatch(RAW);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: "already-applied" });
  });
});

describe("API results, errors, the model and history", () => {
  const mocks: MockModelServer<unknown>[] = [];
  afterEach(async () => {
    await Promise.all(mocks.splice(0).map((m) => m.close()));
  });

  it("static fly commands show an API value with escapes in its table cell, and --json keeps it", async () => {
    const machine = world.sandbox.store.machine(WEB_IAD_1.machine_id);
    if (!machine) throw new Error("demo seed changed");
    machine.name = `web${ANSI}\u200bfake`;
    const list = await cli(["fly", "list", "machines", "--app", "demo-web"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).not.toMatch(RAW);
    expect(list.stdout).toContain(`web${SHOWN}\\u200bfake`);
    const get = await cli(["fly", "get", "machine", WEB_IAD_1.machine_id, "--app", "demo-web", "--json"]);
    expect(get.stdout).not.toMatch(RAW);
    expect((JSON.parse(get.stdout) as { name: string }).name).toBe(`web${ANSI}\u200bfake`);
  });

  it("error messages and hints quote a bad path escaped", async () => {
    const run = await cli(["plan", "check", `missing${ANSI}.json`]);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toMatch(RAW);
    expect(run.stderr).toContain(`error: cannot read plan file missing${SHOWN}.json`);
  });

  it("ask streams the model's answer escaped, its tool-call lines too, and history show prints it escaped", async () => {
    const answer = `demo-web is fine.${ANSI}\u202e\nSecond line.\u{e0041}`;
    const mock = await startMockOpenAI({
      turns: [
        { toolCalls: [{ name: "apps_get", arguments: { app: `demo-web\u200b${ANSI}` } }] },
        { text: answer },
        { text: `Still fine.\u2066${ANSI}` },
      ],
    });
    mocks.push(mock);
    const env = {
      FLYOPS_MODEL: "openai:gpt-4.1",
      OPENAI_BASE_URL: mock.baseUrl,
      OPENAI_API_KEY: "sk-proj-" + "x".repeat(40),
    };
    const ask = await cli(["ask", "--verbose", "is demo-web fine?"], env);
    expect(ask.code, ask.stderr).toBe(0);
    expect(ask.stdout + ask.stderr).not.toMatch(RAW);
    expect(ask.stdout).toContain(`demo-web is fine.${SHOWN}\\u202e\nSecond line.\\u{e0041}`);
    expect(ask.stderr).toMatch(/tool apps_get .*demo-web\\u200b\\u001b\[1A/);

    const json = await cli(["ask", "--json", "again?"], env);
    expect(json.stdout).not.toMatch(RAW);
    expect((JSON.parse(json.stdout) as { answer: string }).answer).toBe(`Still fine.\u2066${ANSI}`);

    const history = await cli(["history", "show"], env);
    expect(history.code, history.stderr).toBe(0);
    expect(history.stdout).not.toMatch(RAW);
    expect(history.stdout).toContain(`A: demo-web is fine.${SHOWN}\\u202e\nSecond line.\\u{e0041}`);
    expect(history.stdout).toContain(`A: Still fine.\\u2066${SHOWN}`);
  });
});
