import { describe, expect, it } from "vitest";
import { sandboxHome } from "../support/sandbox-home.js";

const world = sandboxHome({ prefix: "flyops-count-", sandbox: { port: 0, seed: "demo" }, per: "file" });
const fly = (...args: string[]) => world.cli(["fly", ...args]);

describe("flyops fly list --count-by", () => {
  it("counts every machine of every org per region, as the sandbox holds them", async () => {
    const run = await fly("list", "machines", "--all", "--count-by", "region", "--json");
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { total: number; groups: { group: string; count: number }[] };
    const expected = new Map<string, number>();
    for (const machine of world.sandbox.store.toState().machines) {
      expected.set(machine.region, (expected.get(machine.region) ?? 0) + 1);
    }
    expect(new Map(result.groups.map((g) => [g.group, g.count]))).toEqual(expected);
    expect(result.total).toBe(world.sandbox.store.toState().machines.length);
  });

  it("shows in the table the same groups --json prints under --limit, with the total in the note", async () => {
    const json = await fly("list", "machines", "--all", "--count-by", "region", "--limit", "2", "--json");
    expect(json.code, json.stderr).toBe(0);
    const result = JSON.parse(json.stdout) as {
      total: number;
      groups: { group: string }[];
      groups_total: number;
    };
    expect(result.groups).toHaveLength(2);
    const table = await fly("list", "machines", "--all", "--count-by", "region", "--limit", "2");
    expect(table.code, table.stderr).toBe(0);
    for (const { group } of result.groups) expect(table.stdout).toContain(` ${group} `);
    expect(table.stdout).toContain(`${result.total} machines in ${result.groups_total} regions`);
  });

  it("takes a --limit up to Fly's page maximum of 1000", async () => {
    const run = await fly("list", "machines", "--all", "--limit", "500", "--json");
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toHaveLength(
      world.sandbox.store.toState().machines.filter((m) => m.state !== "destroyed").length,
    );
    const over = await fly("list", "machines", "--all", "--limit", "1001");
    expect(over.code).toBe(2);
  });

  it("is a usage error on a listing that cannot count", async () => {
    const run = await fly("list", "secrets", "--app", "demo-web", "--count-by", "region");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--count-by does not apply");
  });
});
