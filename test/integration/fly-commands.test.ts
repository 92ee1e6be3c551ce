import { describe, expect, it } from "vitest";
import { runFlyAction } from "../../src/cli/commands/fly.js";
import { renderView } from "../../src/cli/view-table.js";
import { SANDBOX_CHANGES_LOST, createRuntime } from "../../src/cli/runtime.js";
import type { CommandDeps } from "../../src/cli/tool-command.js";
import { RefusedError } from "../../src/errors.js";
import { Redactor } from "../../src/security/redact.js";
import { DEMO_APPS, PLANTED_TOKEN, PLANTED_TOKEN_MACHINE } from "../../src/sandbox/seed-demo.js";
import { runCli } from "../support/cli.js";
import { sandboxHome } from "../support/sandbox-home.js";

/**
 * `flyops fly …` and `flyops auth whoami`, the built CLI run as a person would (no terminal on
 * stdin) against a sandbox on a free loopback port, checked against the sandbox's own REST answers.
 */

/** Only what the CLI needs: the sandbox's address and token, and an empty config directory. */
const world = sandboxHome({
  prefix: "flyops-fly-",
  sandbox: { port: 0, seed: "demo" },
  per: { sandbox: "test", home: "file" },
});
const { env } = world;
const fly = (...args: string[]) => world.cli(["fly", ...args]);

async function get<T>(path: string): Promise<T> {
  const response = await fetch(`${world.sandbox.url}${path}`, {
    headers: { authorization: `Bearer ${world.sandbox.env.FLY_API_TOKEN ?? ""}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

async function appsFromRest(): Promise<string[]> {
  const names: string[] = [];
  for (const org of ["personal", "acme-corp"]) {
    const { apps } = await get<{ apps: { name: string }[] }>(`/v1/apps?org_slug=${org}`);
    names.push(...apps.map((a) => a.name));
  }
  return names.sort();
}

describe("flyops fly list", () => {
  it("apps --json prints the app names GET /v1/apps gives for every org", async () => {
    const run = await fly("list", "apps", "--json");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const names = (JSON.parse(run.stdout) as { name: string }[]).map((a) => a.name).sort();
    expect(names).toEqual(await appsFromRest());
    expect(names).toEqual([...DEMO_APPS].sort());
  });

  it("machines --app A --json prints the ids and states of GET /v1/apps/A/machines", async () => {
    for (const app of ["demo-web", "acme-db"]) {
      const run = await fly("list", "machines", "--app", app, "--raw");
      expect(run.code).toBe(0);
      const printed = (JSON.parse(run.stdout) as { id: string; state: string }[]).map(
        (m) => `${m.id} ${m.state}`,
      );
      const listed = (await get<{ id: string; state: string }[]>(`/v1/apps/${app}/machines`)).map(
        (m) => `${m.id} ${m.state}`,
      );
      expect(printed.sort()).toEqual(listed.sort());
    }
  });

  it("prints a table by default, with filters, sorting and a note when limited", async () => {
    const run = await fly("list", "machines", "--all", "--sort", "memory", "--limit", "2");
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines.find((l) => l.includes("id") && l.includes("memory_mb"))).toBeDefined();
    // The 4096 MB tie keeps Fly's order, oldest update first (the demo incident updated acme-api's machines).
    expect(run.stdout.indexOf("pg-primary")).toBeGreaterThan(-1);
    expect(run.stdout.indexOf("pg-primary")).toBeLessThan(run.stdout.indexOf("pg-replica"));
    // The note names the flags a person sets, not the tool inputs a model does.
    expect(run.stdout).toContain("limited to 2 machines by --limit");
    expect(run.stdout).toContain("count them with --count-by, or raise --limit (at most 1000)");
    expect(run.stdout).not.toMatch(/count_by|raise limit/);
  });

  it("names every machine state --state accepts in its help", async () => {
    const run = await fly("list", "--help");
    expect(run.code).toBe(0);
    const help = run.stdout.replace(/\s+/g, " ");
    for (const state of ["created", "starting", "replacing", "suspending", "destroyed", "failed"])
      expect(help).toContain(state);
  });

  it("takes the app from FLY_APP, and names --app, FLY_APP and fly.toml when there is none", async () => {
    const fromEnv = await world.cli(["fly", "list", "secrets", "--json"], { FLY_APP: "acme-db" });
    expect(fromEnv.code).toBe(0);
    expect((JSON.parse(fromEnv.stdout) as { name: string }[]).map((s) => s.name)).toEqual([
      "POSTGRES_PASSWORD",
      "REPL_PASSWORD",
    ]);
    const none = await fly("list", "machines");
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--app/);
    expect(none.stderr).toMatch(/FLY_APP/);
    expect(none.stderr).toMatch(/fly\.toml/);
  });

  it("refuses a flag the listing does not take", async () => {
    const run = await fly("list", "secrets", "--app", "demo-web", "--sort", "memory");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--sort does not apply to `flyops fly list secrets`");
  });
});

describe("flyops fly machine actions", () => {
  it("get machine --json prints the full machine with a token left in its env redacted", async () => {
    const { app, id } = PLANTED_TOKEN_MACHINE;
    const run = await fly("get", "machine", id, "--app", app, "--json");
    expect(run.code, run.stderr).toBe(0);
    const machine = JSON.parse(run.stdout) as { id: string; config: { env: Record<string, string> } };
    expect(machine.id).toBe(id);
    expect(machine.config.env.LEGACY_DEPLOY_TOKEN).toBe("[REDACTED]");
    expect(run.stdout).not.toContain(PLANTED_TOKEN);
  });

  it("stop machine changes its state in the sandbox", async () => {
    expect(world.sandbox.store.machine("148e272b0e4d89")?.state).toBe("started");
    const run = await fly("stop", "machine", "148e272b0e4d89", "--app", "demo-web");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("stopped");
    expect(world.sandbox.store.machine("148e272b0e4d89")?.state).toBe("stopped");
  });

  it("restart of a stopped machine exits 1, saying it is stopped and how to start it", async () => {
    const run = await fly("restart", "machine", "3287e15b6d9e48", "--app", "demo-web");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("is stopped: only a running machine can be restarted");
    expect(run.stderr).toContain("flyops fly start machine 3287e15b6d9e48 --app demo-web");
    expect(world.sandbox.store.machine("3287e15b6d9e48")?.state).toBe("stopped");
  });

  it("destroy without --yes and without a terminal exits 1 and destroys nothing", async () => {
    const before = await get<{ id: string }[]>("/v1/apps/demo-web/machines");
    const run = await fly("destroy", "machine", "3287e15b6d9e48", "--app", "demo-web");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("--yes");
    expect(run.stdout).toBe("");
    expect(await get<{ id: string }[]>("/v1/apps/demo-web/machines")).toEqual(before);
  });

  it("destroy --yes destroys the machine", async () => {
    const run = await fly("destroy", "machine", "3287e15b6d9e48", "--app", "demo-web", "--yes", "--json");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ machine_id: "3287e15b6d9e48", destroyed: true });
    const left = await get<{ id: string }[]>("/v1/apps/demo-web/machines");
    expect(left.map((m) => m.id)).not.toContain("3287e15b6d9e48");
  });
});

describe("credentials and faults", () => {
  it("without any token exits 1 and names FLY_API_TOKEN", async () => {
    const withoutToken = env();
    delete withoutToken.FLY_API_TOKEN;
    const run = await runCli(["fly", "list", "apps"], { env: withoutToken, cwd: world.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("FLY_API_TOKEN");
    expect(run.stdout).toBe("");
  });

  it("auth whoami names the token's user", async () => {
    const run = await world.cli(["auth", "whoami", "--json"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ viewer: { email: "dana@example.com" } });
  });

  it("destroy of a machine that never existed fails as not found from its read on a flaky API", async () => {
    await world.restartSandbox({ port: 0, seed: "demo", faultRate: 0.6, faultSeed: 9 });
    const run = await fly("destroy", "machine", "0000000000beef", "--app", "demo-web", "--yes");
    expect(run.code, run.stdout).toBe(1);
    expect(run.stderr).toContain("not found: GET /v1/apps/demo-web/machines/0000000000beef");
    expect(run.stdout).not.toContain("destroyed");
  });

  it("list apps --json still prints the right apps when a fifth of requests fail", async () => {
    const expected = await appsFromRest();
    // Seed 9 drops the first two connections and answers a later request with 429: retries must cover both.
    await world.restartSandbox({ port: 0, seed: "demo", faultRate: 0.2, faultSeed: 9 });
    const run = await fly("list", "apps", "--json");
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { name: string }[]).map((a) => a.name).sort()).toEqual(expected);
  });
});

describe("on a terminal (in-process, scripted answers)", () => {
  function deps(answer: boolean, asked: string[], out: string[]): CommandDeps {
    return {
      io: { stdout: (t) => out.push(t), stderr: (t) => out.push(t) },
      redactor: new Redactor(),
      env: env(),
      cwd: world.dir,
      stdinIsTTY: true,
      confirm: (message) => {
        asked.push(message);
        return Promise.resolve(answer);
      },
      createRuntime,
    };
  }

  it("says a change made to the embedded sandbox is gone when the command ends, and how to keep one", async () => {
    const out: string[] = [];
    await runFlyAction(
      "stop",
      "machine",
      "148e272b0e4d89",
      { app: "demo-web", sandbox: true },
      deps(true, [], out),
    );
    expect(out.join("")).toContain(`warning: ${SANDBOX_CHANGES_LOST}`);
    expect(SANDBOX_CHANGES_LOST).toContain("flyops sandbox --state FILE");
    const read: string[] = [];
    await runFlyAction(
      "get",
      "machine",
      "148e272b0e4d89",
      { app: "demo-web", sandbox: true },
      deps(true, [], read),
    );
    expect(read.join("")).not.toContain("gone");
  });

  it("destroy asks, naming the machine and app, and a no destroys nothing", async () => {
    const asked: string[] = [];
    const refused = await runFlyAction(
      "destroy",
      "machine",
      "3287e15b6d9e48",
      { app: "demo-web" },
      deps(false, asked, []),
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RefusedError);
    expect(asked).toEqual(["Destroy machine 3287e15b6d9e48 of app demo-web? This cannot be undone."]);
    expect(world.sandbox.store.machine("3287e15b6d9e48")?.state).toBe("stopped");
  });

  it("a yes destroys, and a non-destructive action never asks", async () => {
    const asked: string[] = [];
    const out: string[] = [];
    await runFlyAction("destroy", "machine", "3287e15b6d9e48", { app: "demo-web" }, deps(true, asked, out));
    expect(asked).toHaveLength(1);
    expect(out.join("")).toMatch(/destroyed\s*│\s*yes/);
    await runFlyAction("suspend", "machine", "148e272b0e4d89", { app: "demo-web" }, deps(false, asked, out));
    expect(asked).toHaveLength(1);
    expect(world.sandbox.store.machine("148e272b0e4d89")?.state).toBe("suspended");
  });

  it("renders list views as tables with their note, and objects as field/value tables", () => {
    const list = renderView({
      rows: [{ id: "m1", cpus: 1, started: true, regions: ["iad", "ams"], name: null }],
      note: "a note",
    });
    expect(list).toMatch(/id\s*│\s*cpus\s*│\s*started\s*│\s*regions\s*│\s*name/);
    expect(list).toMatch(/m1\s*│\s*1\s*│\s*yes\s*│\s*iad, ams\s*│\s*-/);
    expect(list.trimEnd().endsWith("a note")).toBe(true);
    expect(renderView({ rows: [], note: "no machines found" })).toBe("no machines found\n");
    expect(renderView({ state: "started", mounts: ["vol_1:/data"] })).toMatch(/mounts\s*│\s*vol_1:\/data/);
  });
});
