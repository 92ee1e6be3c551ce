import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The folder holding package.json, prompts/ and plans/, whether running from src/ (tsx) or dist/src/. */
function findPackageRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`flyops: package.json not found above ${start}`);
    dir = parent;
  }
  return dir;
}

export const packageRoot: string = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
