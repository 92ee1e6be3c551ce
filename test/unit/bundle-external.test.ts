import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUNDLE_EXTERNAL } from "../support/global-setup.js";

/**
 * The tests run a bundle of the built CLI (global-setup.ts). A package the CLI loads with import()
 * must stay outside it: bundled, a CommonJS package's import() loses its named exports and the
 * bundle fails where the shipped dist/ works (graphql's parse was undefined in a rehearsal).
 */

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => join(e.parentPath, e.name));
}

describe("the tests' CLI bundle", () => {
  it("leaves out every package the CLI loads with import()", () => {
    const root = join(import.meta.dirname, "..", "..");
    const loaded = new Set<string>();
    for (const file of [...sources(join(root, "src")), ...sources(join(root, "tools"))]) {
      for (const m of readFileSync(file, "utf8").matchAll(/\bimport\(\s*"([^".][^"]*)"\s*\)/g)) {
        const name = m[1] ?? "";
        if (!name.startsWith("node:")) loaded.add(name);
      }
    }
    expect(loaded.size).toBeGreaterThan(0);
    expect([...loaded].sort()).toEqual([...BUNDLE_EXTERNAL].sort());
  });
});
