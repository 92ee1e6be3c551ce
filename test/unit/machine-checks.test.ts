import { describe, expect, it } from "vitest";
import type { FlyClients } from "../../src/fly/clients.js";
import type { Machine } from "../../src/fly/schemas.js";
import { silentLogger } from "../../src/logger.js";
import type { ToolContext } from "../../tools/define-tool.js";
import { ChecksFailedError, waitForChecks } from "../../tools/machine-checks.js";

/** A context whose only Fly call is GET machine, answered from a script of check states, one per read. */
function scripted(statuses: string[][]): { ctx: ToolContext; reads: () => number } {
  let reads = 0;
  const machine = (i: number): Machine => ({
    id: "148e272b0e4d89",
    state: "started",
    checks: (statuses[Math.min(i, statuses.length - 1)] ?? []).map((status, n) => ({
      name: `servicecheck-0${n}-http-8080`,
      status,
      output: status === "passing" ? "HTTP 200" : "connect: connection refused",
    })),
  });
  const rest = { getMachine: () => Promise.resolve(machine(reads++)) };
  const ctx = {
    fly: { rest } as unknown as FlyClients,
    org: undefined,
    app: undefined,
    signal: undefined,
    log: silentLogger,
  };
  return { ctx, reads: () => reads };
}

describe("waiting for a machine's health checks (flyctl's watch.MachinesChecks)", () => {
  it("returns at once for a machine without checks, and when every check passes", async () => {
    const none = scripted([[]]);
    await waitForChecks(none.ctx, "demo-web", "148e272b0e4d89", { pollMs: 1 });
    expect(none.reads()).toBe(1);
    const passing = scripted([["passing", "passing"]]);
    await waitForChecks(passing.ctx, "demo-web", "148e272b0e4d89", { pollMs: 1 });
    expect(passing.reads()).toBe(1);
  });

  it("reads again until the checks pass", async () => {
    const later = scripted([["critical"], ["warning"], ["passing"]]);
    const machine = await waitForChecks(later.ctx, "demo-web", "148e272b0e4d89", { pollMs: 1 });
    expect(later.reads()).toBe(3);
    expect(machine.checks?.[0]?.status).toBe("passing");
  });

  it("fails, naming the failing checks, when they do not pass in time", async () => {
    const failing = scripted([["passing", "critical"]]);
    const error = await waitForChecks(failing.ctx, "demo-web", "148e272b0e4d89", {
      timeoutMs: 0,
      pollMs: 1,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChecksFailedError);
    expect((error as ChecksFailedError).message).toContain("servicecheck-01-http-8080: critical");
    expect((error as ChecksFailedError).message).not.toContain("servicecheck-00");
    expect((error as ChecksFailedError).hint).toContain("--resume");
  });
});
