import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool } from "../../tools/define-tool.js";
import { catalog, isWriteTool } from "../../tools/index.js";

/**
 * A write tool carries its plan knowledge, or it does not compile: the `@ts-expect-error` below
 * fails the typecheck (part of `npm test`) the day a write tool without `step` is accepted.
 */
describe("defineTool", () => {
  it("refuses, at compile time, a write tool without its plan knowledge", () => {
    const bare = {
      name: "things_delete",
      description: "Delete things.",
      access: "destructive" as const,
      input: z.object({ app: z.string() }),
      run: () => Promise.resolve(null),
      view: () => null,
    };
    // @ts-expect-error: a destructive tool must say how it is described, reconciled and checked.
    const tool = defineTool(bare);
    expect(tool.access).toBe("destructive");
  });

  it("gives every write tool of the catalog its plan knowledge, and no read tool any", () => {
    for (const tool of catalog) {
      const step = (tool as { step?: unknown }).step;
      expect(step !== undefined, tool.name).toBe(isWriteTool(tool));
    }
  });
});
