import { describe, expect, it } from "vitest";
import { runFlyAction } from "../../src/cli/commands/fly.js";
import { createRuntime } from "../../src/cli/runtime.js";
import type { CommandDeps } from "../../src/cli/tool-command.js";
import { RefusedError, UsageError } from "../../src/errors.js";
import { ToolInputError } from "../../tools/invoke.js";
import { Redactor } from "../../src/security/redact.js";
import { sandboxHome } from "../support/sandbox-home.js";

/**
 * The static commands of issue 10 (`fly apps create|destroy`, `fly clone machine`, `fly scale
 * count|memory|vm`, `fly restart app`, `fly kill machine`), in process against a sandbox, with the
 * confirmation rules of every destructive command.
 */

const world = sandboxHome({ prefix: "flyops-fly-ops-", sandbox: { port: 0, seed: "demo" } });

function deps(answer: boolean, asked: string[] = [], out: string[] = [], tty = true): CommandDeps {
  return {
    io: { stdout: (t) => out.push(t), stderr: (t) => out.push(t) },
    redactor: new Redactor(),
    env: world.env(),
    cwd: world.dir,
    stdinIsTTY: tty,
    confirm: (message) => {
      asked.push(message);
      return Promise.resolve(answer);
    },
    createRuntime,
  };
}

const live = (app: string) => world.sandbox.store.machines(app).filter((m) => m.state !== "destroyed");

describe("flyops fly scale|clone|restart|apps|kill", () => {
  it("scale count adds copies after a yes; without a terminal it needs --yes; at the count it does nothing", async () => {
    const refused = await runFlyAction(
      "scale",
      "count",
      "4",
      { app: "demo-web" },
      deps(true, [], [], false),
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RefusedError);
    expect(live("demo-web")).toHaveLength(3);
    const asked: string[] = [];
    await runFlyAction("scale", "count", "4", { app: "demo-web" }, deps(true, asked));
    expect(asked).toEqual(["Scale count 4 of app demo-web? This cannot be undone."]);
    const after = live("demo-web");
    expect(after).toHaveLength(4);
    expect(new Set(after.map((m) => m.config.image)).size).toBe(1);
    await runFlyAction("scale", "count", "4", { app: "demo-web", yes: true }, deps(false));
    expect(live("demo-web")).toHaveLength(4);
  });

  it("scale count refuses a count that is not a number before anything is sent", async () => {
    const error = await runFlyAction(
      "scale",
      "count",
      "three",
      { app: "demo-web", yes: true },
      deps(true),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolInputError);
    expect(live("demo-web")).toHaveLength(3);
  });

  it("scale memory resizes every machine of the group; scale vm sets a preset", async () => {
    await runFlyAction("scale", "memory", "512", { app: "demo-web" }, deps(false));
    expect(live("demo-web").map((m) => m.config.guest.memory_mb)).toEqual([512, 512, 512]);
    await runFlyAction("scale", "vm", "shared-cpu-2x", { app: "demo-web" }, deps(false));
    expect(live("demo-web").map((m) => [m.config.guest.cpus, m.config.guest.memory_mb])).toEqual([
      [2, 512],
      [2, 512],
      [2, 512],
    ]);
  });

  it("clone machine copies a machine into another region, and restart app restarts the running ones", async () => {
    await runFlyAction("clone", "machine", "148e272b0e4d89", { app: "demo-web" }, deps(false));
    expect(live("demo-web")).toHaveLength(4);
    const out: string[] = [];
    await runFlyAction("restart", "app", "demo-web", {}, deps(false, [], out));
    // Three running machines now: the two of the seed and the copy; the stopped one is left alone.
    expect(out.join("").match(/machines_restart/g)).toHaveLength(3);
    expect(world.sandbox.store.machine("3287e15b6d9e48")?.state).toBe("stopped");
  });

  it("apps create takes the org from --org; apps destroy refuses running machines unless --force", async () => {
    const missing = await runFlyAction("apps", "create", "ops-new", {}, deps(false)).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(UsageError);
    await runFlyAction("apps", "create", "ops-new", { org: "personal" }, deps(false));
    expect(world.sandbox.store.app("ops-new")?.org).toBe("personal");
    const running = await runFlyAction("apps", "destroy", "demo-web", { yes: true }, deps(true)).catch(
      (e: unknown) => e,
    );
    expect(running).toBeInstanceOf(ToolInputError);
    expect(world.sandbox.store.app("demo-web")).toBeDefined();
    const asked: string[] = [];
    await runFlyAction("apps", "destroy", "ops-new", {}, deps(true, asked));
    expect(asked).toEqual(["Apps destroy ops-new? This cannot be undone."]);
    expect(world.sandbox.store.app("ops-new")).toBeUndefined();
  });

  it("kill machine sends SIGKILL after a yes", async () => {
    const asked: string[] = [];
    await runFlyAction("kill", "machine", "148e272b0e4d89", { app: "demo-web" }, deps(true, asked));
    expect(asked).toEqual(["Kill machine 148e272b0e4d89 of app demo-web? This cannot be undone."]);
    expect(world.sandbox.store.machine("148e272b0e4d89")?.events[0]?.type).toMatch(/signal|restart|start/);
  });
});
