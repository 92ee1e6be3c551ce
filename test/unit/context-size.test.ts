import { describe, expect, it } from "vitest";
import { toolsByAccess } from "../../tools/index.js";
import { approxTokens, measureContext } from "../../src/eval/context-size.js";

describe("context size per model request", () => {
  it("counts the ask prompt and every read tool's schema, and grows with the catalog", async () => {
    const [ask, plan] = await measureContext(1);
    const [ask3] = await measureContext(3);
    expect(ask?.tools).toBe(toolsByAccess("read").length);
    expect(plan?.tools).toBe(toolsByAccess("read").length + 1);
    expect(ask?.bytes).toBe((ask?.promptBytes ?? 0) + (ask?.toolBytes ?? 0));
    expect(ask3?.promptBytes).toBe(ask?.promptBytes);
    expect(ask3?.toolBytes).toBeGreaterThan(2.9 * (ask?.toolBytes ?? 0));
  });

  it("approximates tokens as a quarter of the characters, rounded up", () => {
    expect(approxTokens("")).toBe(0);
    expect(approxTokens("abcde")).toBe(2);
  });
});
