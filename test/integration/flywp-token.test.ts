import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startMockOpenAI } from "../support/mock-openai.js";
import type { MockModelServer } from "../support/mock-model-turns.js";
import { sandboxHome } from "../support/sandbox-home.js";

/**
 * A FlyWP token is redacted like a Fly token everywhere: planted where a tool result carries it
 * (a cron job's command on web-1), it reaches no model request, no output, no plan, no journal
 * and no history file. The token is a fake made at run time; the sandbox accepts only it.
 */

const TOKEN = `fwp_${randomBytes(20).toString("hex")}`;
const world = sandboxHome({
  prefix: "flyops-flywp-token-",
  sandbox: { port: 0, seed: "demo", transitionMs: 0, flywp: { token: TOKEN } },
});
let mock: MockModelServer<unknown> | undefined;

afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

function plant(): void {
  world.sandbox.flywp.account.crons.push({
    id: 77,
    server_id: 1,
    command: `curl -fsS -H "Authorization: Bearer ${TOKEN}" https://hooks.example.com/ping`,
    frequency: "*/15 * * * *",
    user: "fly",
    created_at: "2026-12-01T00:00:00Z",
  });
}

/** Every file under the temp home (plans, journals, history), as text. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [readFileSync(path, "utf8")];
  });
}

describe("a FlyWP token", () => {
  it("never reaches a model, even from a tool result that holds it, nor the output or history", async () => {
    plant();
    mock = await startMockOpenAI({
      turns: [
        { toolCalls: [{ name: "flywp_crons_list", arguments: { server_id: 1 } }] },
        { text: "web-1 runs 2 cron jobs." },
      ],
    });
    const run = await world.cli(["ask", "--provider", "flywp", "which cron jobs run on web-1?"], {
      FLYOPS_MODEL: "openai:gpt-4.1",
      OPENAI_BASE_URL: mock.baseUrl,
      OPENAI_API_KEY: `sk-test-${"k".repeat(24)}`,
    });
    expect(run.code, run.stderr).toBe(0);
    const sent = JSON.stringify(mock.requests.map((r) => r.body));
    // The cron job reached the model (so the token was there to leak), with the token taken out.
    expect(sent).toContain("hooks.example.com");
    expect(sent).toContain("[REDACTED]");
    expect(sent).not.toContain(TOKEN);
    // The model is told the conversation is about FlyWP (prompts/provider-flywp.md).
    expect(sent).toContain("This conversation is about FlyWP");
    // Only FlyWP's tools were offered.
    const offered = (mock.requests[0]?.body as { tools?: { function: { name: string } }[] }).tools ?? [];
    expect(offered.map((t) => t.function.name).every((n) => n.startsWith("flywp_"))).toBe(true);
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
    expect(filesUnder(world.dir).join("\n")).not.toContain(TOKEN);
  });

  it("is not printed by flyops flywp list, whatever the listing holds", async () => {
    plant();
    const run = await world.cli(["flywp", "list", "crons", "--server", "1", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("hooks.example.com");
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });

  it("is in no plan, journal or output of a plan made and applied with it", async () => {
    const plan = await world.cli([
      "plan",
      "--model",
      "local",
      "trigger a backup of every site on server web-2",
      "-o",
      "b.json",
    ]);
    expect(plan.code, plan.stderr).toBe(0);
    const approve = await world.cli(["plan", "approve", "b.json", "--by", "dana"]);
    const apply = await world.cli(["apply", "b.json", "--yes"], { FLYOPS_DEBUG: "1" });
    expect(apply.code, apply.stderr).toBe(0);
    for (const run of [plan, approve, apply]) expect(run.stdout + run.stderr).not.toContain(TOKEN);
    const files = filesUnder(world.dir);
    expect(files.some((f) => f.includes("flywp_backups_create"))).toBe(true);
    expect(files.join("\n")).not.toContain(TOKEN);
  });

  it("written into a change request, stays out of the plan and its output", async () => {
    const plan = await world.cli([
      "plan",
      "--model",
      "local",
      `add a nightly cron \`wp cron event run --due-now\` on server 3 with FLYWP_API_TOKEN=${TOKEN}`,
      "-o",
      "c.json",
    ]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(readFileSync(join(world.dir, "c.json"), "utf8")).toContain(
      '"command": "wp cron event run --due-now"',
    );
    expect(plan.stdout + plan.stderr).not.toContain(TOKEN);
    expect(filesUnder(world.dir).join("\n")).not.toContain(TOKEN);
  });
});
