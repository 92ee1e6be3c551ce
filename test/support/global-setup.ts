import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * End-to-end tests run the built CLI; build it once, incrementally, before any test file starts.
 * A build with type errors stops the run here: tests must never exercise a stale or broken dist/.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const tsc = "node_modules/typescript/bin/tsc";
  const args = [tsc, "-p", "tsconfig.build.json", "--incremental", "--tsBuildInfoFile", "dist/.tsbuildinfo"];
  try {
    execFileSync(process.execPath, args, { cwd: root, stdio: "pipe", encoding: "utf8" });
  } catch (error) {
    const output = (error as { stdout?: string }).stdout ?? "";
    throw new Error(`the build failed, so no test runs against dist/:\n${output}`);
  }
  execFileSync(process.execPath, ["scripts/chmod-bin.js"], { cwd: root, stdio: "pipe" });
}
