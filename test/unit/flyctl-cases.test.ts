import { describe, expect, it } from "vitest";
import { UNSAFE_CHAR } from "../../src/plan/flyctl/display.js";
import { judgeFlyctl } from "../../src/plan/flyctl/rules.js";
import { FAKE_TOKEN, FLYCTL_CASES, type FlyctlCase } from "../fixtures/flyctl-cases.js";

function verdictOf(hits: ReturnType<typeof judgeFlyctl>): FlyctlCase["verdict"] {
  if (hits.some((hit) => hit.severity === "block")) return "block";
  return hits.length > 0 ? "warn" : "ok";
}

const rulesOf = (hits: ReturnType<typeof judgeFlyctl>, severity: "block" | "warn"): string[] =>
  [...new Set(hits.filter((hit) => hit.severity === severity).map((hit) => hit.rule))].sort();

describe("raw flyctl steps, judged on flyctl's own parse", () => {
  it("covers hundreds of argument lists", () => {
    expect(FLYCTL_CASES.length).toBeGreaterThan(500);
  });

  it.each(FLYCTL_CASES.map((c) => [`${c.why} [${c.allowDestructive ? "allow" : "deny"}]`, c] as const))(
    "%s",
    (_name, c) => {
      const hits = judgeFlyctl(c.args, { allowDestructive: c.allowDestructive });
      expect({
        verdict: verdictOf(hits),
        block: rulesOf(hits, "block"),
        warn: rulesOf(hits, "warn"),
      }).toEqual({
        verdict: c.verdict,
        block: c.block,
        warn: c.warn,
      });
      for (const hit of hits) {
        if (c.path) expect(hit.message.startsWith(`flyctl ${c.path}`)).toBe(true);
        expect(hit.message).not.toContain(FAKE_TOKEN);
        expect(hit.message).not.toMatch(/\p{Cc}/u);
        // Nor any other character that reads differently from what it is (Cf, bidi, blank fillers).
        expect(hit.message).not.toMatch(UNSAFE_CHAR);
      }
    },
  );
});
