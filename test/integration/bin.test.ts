import { execFile } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const { bin, version } = JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as {
  bin: Record<string, string>;
  version: string;
};

describe("the flyops bin", () => {
  it("is executable, so `npx flyops` runs it as the README says", async () => {
    const file = `${root}/${bin.flyops}`;
    expect(statSync(file).mode & 0o111).not.toBe(0);
    // Run the file itself, not through node: its shebang and mode are what npx relies on.
    const { stdout } = await promisify(execFile)(file, ["--version"], { cwd: root });
    expect(stdout.trim()).toBe(version);
  });
});
