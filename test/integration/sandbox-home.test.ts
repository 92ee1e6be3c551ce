import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { sandboxHome } from "../support/sandbox-home.js";

/** The shared test fixture keeps the lifetimes it is asked for, and cleans up after itself. */

describe("per test", () => {
  const world = sandboxHome({ prefix: "flyops-sandbox-home-", sandbox: { seed: "demo", token: "t0k" } });
  const seen: Array<{ dir: string; sandbox: Sandbox }> = [];
  afterAll(() => {
    for (const { dir } of seen) expect(existsSync(dir)).toBe(false);
  });

  it.each([1, 2])("gives test %i a fresh sandbox and home, and env() points at both", async () => {
    seen.push({ dir: world.dir, sandbox: world.sandbox });
    expect(world.env({ EXTRA: "x" })).toEqual({
      FLY_API_HOSTNAME: world.sandbox.url,
      FLY_GRAPHQL_URL: world.sandbox.graphqlUrl,
      FLY_API_BASE_URL: world.sandbox.apiBaseUrl,
      FLY_PROMETHEUS_URL: world.sandbox.prometheusUrl,
      FLY_UIEX_BASE_URL: world.sandbox.url,
      FLY_API_TOKEN: "t0k",
      FLYWP_API_URL: world.sandbox.flywpUrl,
      FLYWP_API_TOKEN: world.sandbox.flywp.token,
      HOME: world.dir,
      XDG_CONFIG_HOME: join(world.dir, "config"),
      XDG_STATE_HOME: join(world.dir, "state"),
      EXTRA: "x",
    });
    const run = await world.cli(["fly", "list", "apps", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    if (seen.length === 2) {
      expect(seen[1]?.dir).not.toBe(seen[0]?.dir);
      expect(seen[1]?.sandbox).not.toBe(seen[0]?.sandbox);
    }
  });
});

describe("home per file, sandbox per test, and a restart", () => {
  const world = sandboxHome({
    prefix: "flyops-sandbox-home-",
    sandbox: { seed: "empty" },
    per: { sandbox: "test", home: "file" },
  });
  const dirs: string[] = [];
  const sandboxes: Sandbox[] = [];

  it.each([1, 2])("keeps the home across tests (%i)", async (n) => {
    dirs.push(world.dir);
    sandboxes.push(world.sandbox);
    expect(new Set(dirs).size).toBe(1);
    expect(new Set(sandboxes).size).toBe(n);
    const before = world.sandbox;
    const next = await world.restartSandbox({ seed: "demo" });
    expect(world.sandbox).toBe(next);
    expect(next).not.toBe(before);
    expect(next.store.apps().length).toBeGreaterThan(0);
  });
});

describe("no sandbox", () => {
  const world = sandboxHome({ prefix: "flyops-sandbox-home-", sandbox: false, per: "file" });

  it("has a home and an env without Fly settings, and says there is no sandbox", () => {
    expect(Object.keys(world.env()).sort()).toEqual(["HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"]);
    expect(() => world.sandbox).toThrow(/sandbox: false/);
  });
});
