import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { runCli } from "../support/cli.js";

let home: string;
let sandbox: Sandbox;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "flyops-count-"));
  sandbox = await startSandbox({ port: 0, seed: "demo" });
});

afterAll(async () => {
  await sandbox.close();
  await rm(home, { recursive: true, force: true });
});

const fly = (...args: string[]) =>
  runCli(["fly", ...args], {
    env: { HOME: home, XDG_CONFIG_HOME: join(home, "config"), ...sandbox.env },
    cwd: home,
  });

describe("flyops fly list --count-by", () => {
  it("counts every machine of every org per region, as the sandbox holds them", async () => {
    const run = await fly("list", "machines", "--all", "--count-by", "region", "--json");
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { total: number; groups: { group: string; count: number }[] };
    const expected = new Map<string, number>();
    for (const machine of sandbox.store.toState().machines) {
      expected.set(machine.region, (expected.get(machine.region) ?? 0) + 1);
    }
    expect(new Map(result.groups.map((g) => [g.group, g.count]))).toEqual(expected);
    expect(result.total).toBe(sandbox.store.toState().machines.length);
  });

  it("is a usage error on a listing that cannot count", async () => {
    const run = await fly("list", "secrets", "--app", "demo-web", "--count-by", "region");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--count-by does not apply");
  });
});
