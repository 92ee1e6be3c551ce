import { describe, expect, it } from "vitest";
import type { Outcome, PlannedCall } from "../../src/llm/local/session.js";
import { failureEvidence } from "../../src/llm/local/why-evidence.js";

const EXIT = "2026-12-07T09:08:31.000Z";
const MACHINE = "5683d920b1e48e";

function firstTurn(run: ReturnType<typeof failureEvidence>): readonly PlannedCall[] {
  const step = run.next();
  if (step.done) throw new Error("expected the step to ask for reads");
  return step.value;
}

function ok(value: unknown): Outcome {
  return { ok: true, value: value as never, text: JSON.stringify(value) };
}

describe("the local model's telemetry step of a why question", () => {
  it("reads error logs a few minutes around the first exit, the app's 5xx and the machine's memory, in one turn", () => {
    const run = failureEvidence("acme-api", MACHINE, EXIT);
    const calls = firstTurn(run);
    expect(calls.map((c) => [c.name, c.input.measure])).toEqual([
      ["logs_list", undefined],
      ["metrics_get", "http_5xx"],
      ["metrics_get", "memory_available"],
    ]);
    const logs = calls[0]?.input ?? {};
    expect(logs).toMatchObject({ app: "acme-api", machine_id: MACHINE, level: "error" });
    expect(Date.parse(String(logs.since))).toBeLessThan(Date.parse(EXIT));
    expect(Date.parse(String(logs.until))).toBeGreaterThan(Date.parse(EXIT));
    expect(calls[2]?.input.machine_id).toBe(MACHINE);
  });

  it("quotes the app's own out-of-memory lines before the proxy's, and backs the cause with them", () => {
    const run = failureEvidence("acme-api", MACHINE, EXIT);
    run.next();
    const done = run.next([
      ok({
        rows: [
          {
            timestamp: "t1",
            level: "error",
            message: "[PU02] could not complete HTTP request (answered 503)",
          },
          { timestamp: "t2", level: "error", message: "FATAL ERROR: JavaScript heap out of memory" },
        ],
      }),
      ok({
        rows: [
          {
            region: "sin",
            count: 3001,
            per_second_min: 0,
            per_second_max: 2,
            per_second_current: 2,
            per_second_trend: "rising",
          },
        ],
      }),
      ok({ rows: [{ machine: MACHINE, available_min: 44.2, available_max: 2435, available_current: 1378 }] }),
    ]);
    expect(done.done).toBe(true);
    if (!done.done) return;
    const text = done.value.lines.join("\n");
    expect(text.indexOf("heap out of memory")).toBeLessThan(text.indexOf("[PU02]"));
    expect(text).toContain("sin 3001");
    expect(done.value.confirms).toEqual([
      "its logs show out-of-memory errors",
      "5xx are rising in sin",
      "its memory available fell to 44 MB",
    ]);
    expect(done.value.unseen).toEqual([]);
  });

  it("says what it could not see when a read fails, and claims nothing from it", () => {
    const run = failureEvidence("acme-api", MACHINE, EXIT);
    run.next();
    const done = run.next([
      { ok: false, error: "logs API answered 500" },
      ok({ rows: [] }),
      { ok: false, error: "metrics API answered 503" },
    ]);
    if (!done.done) throw new Error("expected the step to finish");
    expect(done.value.unseen.join("; ")).toContain("logs API answered 500");
    expect(done.value.unseen.join("; ")).toContain("metrics API answered 503");
    expect(done.value.confirms).toEqual([]);
    expect(done.value.lines.join("\n")).toContain("answered no 5xx");
  });
});
