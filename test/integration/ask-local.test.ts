import { describe, expect, it } from "vitest";
import { DEMO_APPS, DEMO_UNATTACHED_VOLUMES, PLANTED_TOKEN } from "../../src/sandbox/seed-demo.js";
import { sandboxHome } from "../support/sandbox-home.js";

/**
 * `flyops ask --sandbox` with no model configured and no API key: the built-in local model answers
 * from the embedded demo sandbox. Nothing leaves the machine.
 */

const world = sandboxHome({ prefix: "flyops-ask-local-", sandbox: false, per: "file" });
const ask = (...args: string[]) => world.cli(["ask", "--sandbox", "--new", ...args]);

describe("flyops ask with the built-in local model", () => {
  it("names every app of the sandbox with its regions", async () => {
    const run = await ask("what apps are running and in which regions?");
    expect(run.stderr).toContain("answered by local:rules");
    expect(run.code).toBe(0);
    for (const app of DEMO_APPS) expect(run.stdout).toContain(app);
    for (const region of ["iad", "lhr", "ams", "sin", "ord"]) expect(run.stdout).toContain(region);
  });

  it("lists exactly the unattached volume ids", async () => {
    const run = await ask("--json", "do I have any unattached volumes?");
    expect(run.code).toBe(0);
    const { answer, model } = JSON.parse(run.stdout) as { answer: string; model: string };
    expect(model).toBe("local:rules");
    const mentioned = new Set(answer.match(/vol_[a-z0-9]+/g));
    expect([...mentioned].sort()).toEqual([...DEMO_UNATTACHED_VOLUMES].sort());
  });

  it("names the machine with the most memory first", async () => {
    const run = await ask("which machines are using the most memory?");
    expect(run.code).toBe(0);
    const first = run.stdout.search(/pg-primary|17811953c92e18/);
    expect(first).toBeGreaterThanOrEqual(0);
    // The answer may list only the top few; those it lists must all come after pg-primary.
    const others = ["api-ams-1", "api-sin-1", "pg-replica", "worker-1"]
      .map((other) => run.stdout.indexOf(other))
      .filter((at) => at >= 0);
    expect(others.length).toBeGreaterThan(0);
    for (const at of others) expect(first).toBeLessThan(at);
  });

  it("never prints a token found in the fleet's data", async () => {
    const run = await ask("tell me about machine 4d89696a2e6087 of acme-api");
    expect(run.code).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(PLANTED_TOKEN);
  });

  it("exits 1 and says how to configure a real model when it cannot answer", async () => {
    const run = await ask("write me a poem about the ocean");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: .*cannot answer/m);
    expect(run.stderr).toContain("FLYOPS_MODEL");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
