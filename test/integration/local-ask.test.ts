import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sandboxHome } from "../support/sandbox-home.js";

/**
 * The built CLI with the built-in local model against a sandbox this test starts, with no model
 * configured and no API key in the environment. Answers are compared with the sandbox's own store.
 */

const world = sandboxHome({
  prefix: "flyops-local-ask-",
  sandbox: { seed: "demo", rateLimits: false },
  per: "file",
});
const flyops = (args: string[]) => world.cli(args);
const ask = (...args: string[]) => flyops(["ask", "--new", ...args]);

function liveMachines() {
  return world.sandbox.store.machines().filter((m) => m.state !== "destroyed");
}

describe("flyops ask with the local model, against a sandbox", () => {
  it("names every app with the regions its machines run in", async () => {
    const run = await ask("what apps are running and in which regions?");
    expect(run.stderr).toContain("answered by local:rules");
    expect(run.code).toBe(0);
    const apps = world.sandbox.store.apps();
    expect(apps.length).toBeGreaterThanOrEqual(4);
    for (const app of apps) {
      const line = run.stdout.split("\n").find((l) => l.startsWith(`- ${app.name}:`));
      expect(line, app.name).toBeDefined();
      const regions = [
        ...new Set(
          liveMachines()
            .filter((m) => m.app === app.name)
            .map((m) => m.region),
        ),
      ].sort();
      expect(line).toContain(regions.length > 0 ? regions.join(", ") : "no machines");
    }
  });

  it("lists exactly the unattached volume ids", async () => {
    const run = await ask("--json", "do I have any unattached volumes?");
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as {
      answer: string;
      model: string;
      toolCalls: Array<{ tool: string; ok: boolean }>;
    };
    expect(result.model).toBe("local:rules");
    expect(result.toolCalls.every((c) => c.ok)).toBe(true);
    const expected = world.sandbox.store
      .volumes()
      .filter((v) => !v.attachedMachineId && v.state !== "destroyed")
      .map((v) => v.id)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect([...new Set(result.answer.match(/vol_[a-z0-9]+/g))].sort()).toEqual(expected);
  });

  it("names the machine with the most memory first", async () => {
    const run = await ask("which machines have the most memory?");
    expect(run.code).toBe(0);
    const largest = [...liveMachines()].sort(
      (a, b) => b.config.guest.memory_mb - a.config.guest.memory_mb,
    )[0];
    const ranked = run.stdout.split("\n").filter((l) => /^\d+\. /.test(l));
    expect(ranked.length).toBeGreaterThan(1);
    expect(ranked[0]).toContain(largest?.id);
  });

  it("ranks machines by the memory they use now, from the sandbox's metrics, not by their size", async () => {
    const run = await ask("which machines are using the most memory?");
    expect(run.code, run.stderr).toBe(0);
    // What Fly's Prometheus says each started machine of the org uses, read straight from the sandbox.
    const used = new Map<string, number>();
    for (const org of ["acme-corp", "personal"]) {
      const query = "fly_instance_memory_mem_total - fly_instance_memory_mem_available";
      const url = `${world.sandbox.prometheusUrl}/${org}/api/v1/query?query=${encodeURIComponent(query)}`;
      const response = await fetch(url, {
        headers: { authorization: `Bearer ${world.sandbox.env.FLY_API_TOKEN ?? ""}` },
      });
      const body = (await response.json()) as {
        data: { result: { metric: { instance: string }; value: [number, string] }[] };
      };
      for (const r of body.data.result) used.set(r.metric.instance, Number(r.value[1]));
    }
    const expected = [...used.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
    const ranked = run.stdout.split("\n").filter((l) => /^\d+\. /.test(l));
    const ids = ranked.map((l) => /\b[0-9a-f]{14}\b/.exec(l)?.[0]);
    expect(ranked.length).toBe(Math.min(5, expected.length));
    // The series move with time and the last two demo machines use about the same: the first four
    // are far apart, the rest must be in order of what the answer prints.
    expect(ids.slice(0, 4)).toEqual(expected.slice(0, 4));
    const printed = ranked.map((l) => Number(/: (\d+) MB in use/.exec(l)?.[1]));
    expect(printed).toEqual([...printed].sort((a, b) => b - a));
    for (const id of ids) expect(used.has(id ?? "")).toBe(true);
    expect(ranked[0]).toMatch(/MB in use of \d+ MB/);
    // Machines that report nothing (stopped) are said apart, never ranked as using nothing.
    const stopped = liveMachines().filter((m) => m.state === "stopped");
    for (const m of stopped) expect(ids).not.toContain(m.id);
    expect(run.stdout).toMatch(/\d+ machines? in scope reported no memory in use/);
  });

  it("lists the stopped machines of one region", async () => {
    const run = await ask("which machines are stopped in ams?");
    expect(run.code).toBe(0);
    const expected = liveMachines().filter((m) => m.state === "stopped" && m.region === "ams");
    expect(expected.length).toBeGreaterThan(0);
    for (const m of expected) expect(run.stdout).toContain(m.id);
    for (const m of liveMachines().filter((x) => !expected.includes(x)))
      expect(run.stdout).not.toContain(m.id);
  });

  it("carries the conversation: a follow-up narrows the earlier question", async () => {
    const first = await ask("which machines are stopped?");
    expect(first.code).toBe(0);
    const followUp = await flyops(["ask", "and in ord?"]);
    expect(followUp.code).toBe(0);
    const expected = liveMachines().filter((m) => m.state === "stopped" && m.region === "ord");
    for (const m of expected) expect(followUp.stdout).toContain(m.id);
    for (const m of liveMachines().filter((x) => x.state === "stopped" && x.region !== "ord"))
      expect(followUp.stdout).not.toContain(m.id);
  });

  it("takes no follow-up to a refused question for one to the question before it", async () => {
    expect((await ask("which machines are stopped?")).code).toBe(0);
    const refused = await flyops(["ask", "show me the DNS records of demo-web"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/no read tool for DNS records/);
    const followUp = await flyops(["ask", "and in iad?"]);
    expect(followUp.code).toBe(1);
    expect(followUp.stdout).toBe("");
    expect(followUp.stderr).toContain("show me the DNS records of demo-web");
    const history = await flyops(["history", "show"]);
    expect(history.stdout).toContain("show me the DNS records of demo-web");
  });

  it("answers about organizations, regions, the token's owner and what runs where", async () => {
    const orgs = await ask("which organizations do I have?");
    expect(orgs.code).toBe(0);
    for (const org of world.sandbox.store.orgs()) expect(orgs.stdout).toContain(`- ${org.slug}`);

    const regions = await ask("which regions are available?");
    expect(regions.code).toBe(0);
    expect(regions.stdout).toMatch(/^- iad: /m);

    const me = await ask("who am I logged in as?");
    expect(me.code).toBe(0);
    expect(me.stdout).toContain(world.sandbox.store.viewer().email);

    const running = await ask("what is running in iad?");
    expect(running.code).toBe(0);
    const expected = liveMachines().filter((m) => m.state === "started" && m.region === "iad");
    for (const m of expected) expect(running.stdout).toContain(m.id);
    for (const m of liveMachines().filter((x) => !expected.includes(x)))
      expect(running.stdout).not.toContain(m.id);
  });

  it("exits 1 with how to configure a real model when it cannot answer", async () => {
    const run = await ask("what will my Fly bill be next month?");
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^error: .*cannot answer/m);
    for (const needle of [
      "FLYOPS_MODEL",
      "--model",
      "OPENAI_API_KEY",
      "ANTHROPIC_API_KEY",
      "ollama",
      "unattached",
    ]) {
      expect(run.stderr).toContain(needle);
    }
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("flyops plan with the local model, against a sandbox", () => {
  it("writes a plan that stops a started machine, changing nothing", async () => {
    const machine = liveMachines().find((m) => m.state === "started");
    if (!machine) throw new Error("the demo seed has a started machine");
    const run = await flyops([
      "plan",
      `stop machine ${machine.id} of ${machine.app}`,
      "-o",
      "stop.json",
      "--json",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const plan = JSON.parse(await readFile(join(world.dir, "stop.json"), "utf8")) as {
      steps: Array<{ tool: string; input: unknown }>;
      preconditions: Array<{ tool: string; input: unknown; expect: Record<string, unknown> }>;
    };
    expect(plan.steps).toEqual([
      expect.objectContaining({ tool: "machines_stop", input: { app: machine.app, machine_id: machine.id } }),
    ]);
    const recorded = plan.preconditions.find((p) => p.tool === "machines_get");
    expect(recorded?.input).toEqual({ app: machine.app, machine_id: machine.id });
    expect(recorded?.expect.state).toBe("started");
    expect(world.sandbox.store.machine(machine.id)?.state).toBe("started");
  });

  it("sets a secret from an environment variable without its value", async () => {
    const app = world.sandbox.store.apps()[0]?.name ?? "";
    const run = await flyops([
      "plan",
      `set secret NEW_DATABASE_URL on ${app} from env NEW_DATABASE_URL`,
      "-o",
      "secret.json",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const plan = JSON.parse(await readFile(join(world.dir, "secret.json"), "utf8")) as {
      steps: Array<{ tool: string; input: unknown }>;
    };
    expect(plan.steps).toEqual([
      expect.objectContaining({
        tool: "secrets_set",
        input: { app, secrets: { NEW_DATABASE_URL: { fromEnv: "NEW_DATABASE_URL" } } },
      }),
    ]);
  });
});
