import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.js";
import { sandboxHome } from "../support/sandbox-home.js";

/**
 * FlyWP through the built CLI, against the sandbox's FlyWP API (FLYWP_API_URL and
 * FLYWP_API_TOKEN from its exports): the static listing, the local model's answers, and plans
 * that apply once and, applied again, change nothing.
 */

const world = sandboxHome({ prefix: "flyops-flywp-", sandbox: { port: 0, seed: "demo", transitionMs: 0 } });

/** Only FlyWP configured: no Fly token, no Fly host. */
function flywpOnly(): Record<string, string> {
  const { FLYWP_API_URL, FLYWP_API_TOKEN } = world.sandbox.env;
  return {
    FLY_API_TOKEN: "",
    FLY_API_HOSTNAME: "",
    FLYWP_API_URL: FLYWP_API_URL ?? "",
    FLYWP_API_TOKEN: FLYWP_API_TOKEN ?? "",
  };
}

describe("flyops flywp list", () => {
  it("lists the sites of one server as JSON: the sandbox's sites of that server", async () => {
    const run = await world.cli(["flywp", "list", "sites", "--server", "1", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const listed = JSON.parse(run.stdout) as { id: number; domain: string }[];
    const expected = world.sandbox.flywp.account.sites.filter((s) => s.server_id === 1);
    expect(expected.length).toBeGreaterThan(0);
    expect(listed.map((s) => [s.id, s.domain])).toEqual(expected.map((s) => [s.id, s.domain]));
  });

  it("takes a server by name, and names the servers when there is none of that name", async () => {
    const named = await world.cli(["flywp", "list", "crons", "--server", "web-2", "--json"]);
    expect(named.code, named.stderr).toBe(0);
    const crons = JSON.parse(named.stdout) as { command: string }[];
    expect(crons.map((c) => c.command)).toEqual(
      world.sandbox.flywp.account.crons.filter((c) => c.server_id === 3).map((c) => c.command),
    );
    const missing = await world.cli(["flywp", "list", "sites", "--server", "web-9"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no FlyWP server named web-9");
    expect(missing.stderr).toContain("web-1 (1)");
  });

  it("works with only FlyWP configured, and says which variables to set when it is not", async () => {
    const run = await world.cli(["flywp", "list", "servers", "--json"], {
      ...flywpOnly(),
      FLY_API_TOKEN: "",
    });
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { name: string }[]).map((s) => s.name)).toEqual(["web-1", "web-2"]);
    const none = await world.cli(["flywp", "list", "servers"], { FLYWP_API_TOKEN: "", FLYWP_API_URL: "" });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("FLYWP_API_TOKEN");
    expect(none.stderr).toContain("flywp.api_token");
  });
});

describe("flyops ask about FlyWP with the local model", () => {
  it("answers how many sites there are exactly (--sandbox --provider flywp)", async () => {
    // The embedded sandbox of --sandbox holds the same demo account as a fresh one here.
    const fresh = await startSandbox({ port: 0 });
    const total = fresh.flywp.account.sites.length;
    await fresh.close();
    const run = await world.cli([
      "ask",
      "--sandbox",
      "--provider",
      "flywp",
      "--model",
      "local",
      "how many sites do I have?",
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`You have ${total} sites on 2 servers`);
  });

  it("routes to FlyWP when only FlyWP is configured, and names the sites of server web-1", async () => {
    const run = await world.cli(["ask", "--model", "local", "which sites are on server web-1?"], flywpOnly());
    expect(run.code, run.stderr).toBe(0);
    const web1 = world.sandbox.flywp.account.sites.filter((s) => s.server_id === 1).map((s) => s.domain);
    expect(run.stdout).toContain(`${web1.length} sites on server web-1 (id 1)`);
    for (const domain of web1) expect(run.stdout).toContain(domain);
    const other = world.sandbox.flywp.account.sites.find((s) => s.server_id !== 1);
    expect(run.stdout).not.toContain(other?.domain ?? "?");
  });

  it("asks Fly when a Fly token is configured and no provider is named", async () => {
    const run = await world.cli(["ask", "--model", "local", "how many sites do I have?"]);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain("You have");
  });
});

describe("FlyWP plans", () => {
  it("backs up every site of web-1 once; applied again, and again without its journal, no duplicate", async () => {
    const account = world.sandbox.flywp.account;
    const sites = account.sites.filter((s) => s.server_id === 1).map((s) => s.id);
    const count = (): number[] => sites.map((id) => account.backups.filter((b) => b.site_id === id).length);
    const before = count();

    const plan = await world.cli([
      "plan",
      "--model",
      "local",
      "trigger a backup of every site on server web-1",
      "-o",
      "backup.json",
    ]);
    expect(plan.code, plan.stderr).toBe(0);
    const file = JSON.parse(readFileSync(join(world.dir, "backup.json"), "utf8")) as {
      org?: string;
      steps: { tool: string; input: { site_id: number } }[];
    };
    expect(file.org).toBeUndefined();
    expect(file.steps.map((s) => [s.tool, s.input.site_id])).toEqual(
      sites.map((id) => ["flywp_backups_create", id]),
    );
    expect(count()).toEqual(before);

    expect((await world.cli(["plan", "approve", "backup.json", "--by", "dana"])).code).toBe(0);
    const apply = await world.cli(["apply", "backup.json", "--yes"]);
    expect(apply.code, apply.stderr).toBe(0);
    expect(count()).toEqual(before.map((n) => n + 1));

    const again = await world.cli(["apply", "backup.json", "--yes"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("already applied");
    expect(count()).toEqual(before.map((n) => n + 1));

    // Without the journal the steps run again, and each finds the backup made since the plan.
    rmSync(join(world.dir, "backup.json.journal.jsonl"));
    const fresh = await world.cli(["apply", "backup.json", "--yes"]);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(count()).toEqual(before.map((n) => n + 1));
  });

  it("adds a nightly cron to server 3 from a plan, once", async () => {
    const crons = world.sandbox.flywp.account.crons;
    const command = "wp cron event run --due-now";
    const plan = await world.cli([
      "plan",
      "--model",
      "local",
      `add a nightly cron \`${command}\` on server 3`,
      "-o",
      "cron.json",
    ]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain("add cron job `wp cron event run --due-now` (0 0 * * *) to FlyWP server 3");
    expect((await world.cli(["plan", "approve", "cron.json", "--by", "dana"])).code).toBe(0);
    expect((await world.cli(["apply", "cron.json", "--yes"])).code).toBe(0);
    expect(crons.filter((c) => c.server_id === 3 && c.command === command)).toMatchObject([
      { frequency: "0 0 * * *" },
    ]);
    rmSync(join(world.dir, "cron.json.journal.jsonl"));
    expect((await world.cli(["apply", "cron.json", "--yes"])).code).toBe(0);
    expect(crons.filter((c) => c.server_id === 3 && c.command === command)).toHaveLength(1);
  });
});
