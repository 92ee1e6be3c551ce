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

  it("is a usage error on a listing that cannot count", async () => {
    const run = await fly("list", "secrets", "--app", "demo-web", "--count-by", "region");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--count-by does not apply");
  });
});
