import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** End-to-end tests run the built CLI; build it once, incrementally, before any test file starts. */
// Type errors do not stop the build here: `npm test` runs the typecheck first and is the gate for them.
export default function setup(): void {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const tsc = "node_modules/typescript/bin/tsc";
  const args = [tsc, "-p", "tsconfig.build.json", "--incremental", "--tsBuildInfoFile", "dist/.tsbuildinfo"];
  try {
    execFileSync(process.execPath, args, { cwd: root, stdio: "pipe" });
  } catch {
    // tsc still emitted JavaScript; the typecheck reports the errors.
  }
  execFileSync(process.execPath, ["scripts/chmod-bin.js"], { cwd: root, stdio: "pipe" });
}
