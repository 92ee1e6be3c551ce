import { describe, expect, it } from "vitest";
import { toolsByAccess, toolsets } from "../../tools/index.js";
import { approxTokens, measureContext } from "../../src/eval/context-size.js";

describe("context size per model request", () => {
  it("counts the ask prompt and every read tool's schema, and grows with the catalog", async () => {
    const [ask, , plan] = await measureContext(1);
    const [ask3] = await measureContext(3);
    expect(ask?.tools).toBe(toolsByAccess("read").length);
    expect(plan?.tools).toBe(toolsByAccess("read").length + 1);
    expect(ask?.bytes).toBe((ask?.promptBytes ?? 0) + (ask?.toolBytes ?? 0));
    expect(ask3?.promptBytes).toBe(ask?.promptBytes);
    expect(ask3?.toolBytes).toBeGreaterThan(2.9 * (ask?.toolBytes ?? 0));
  });

  it("offers the default toolsets plus load_tools, and stays near that size with a catalog three times larger", async () => {
    const [every, offered] = await measureContext(1);
    const [every3, offered3] = await measureContext(3);
    const defaults = toolsets
      .filter((s) => s.default)
      .flatMap((s) => s.tools.filter((t) => t.access === "read"));
    expect(offered?.tools).toBe(defaults.length + 1);
    expect(offered?.toolBytes).toBeLessThan((every?.toolBytes ?? 0) / 3);
    // Only load_tools' list of sets grows with the catalog, never a schema per tool.
    expect(offered3?.tools).toBe(offered?.tools);
    expect((offered3?.toolBytes ?? 0) - (offered?.toolBytes ?? 0)).toBeLessThan(
      (every3?.toolBytes ?? 0) / 20,
    );
    expect(offered3?.approxTokens).toBeLessThanOrEqual(4000);
  });

  it("approximates tokens as a quarter of the characters, rounded up", () => {
    expect(approxTokens("")).toBe(0);
    expect(approxTokens("abcde")).toBe(2);
  });
});
