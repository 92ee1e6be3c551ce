import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { TestProject } from "vitest/node";

/**
 * End-to-end tests run the built CLI; build it once, incrementally, before any test file starts.
 * A build with type errors stops the run here: tests must never exercise a stale or broken dist/.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  buildDist(root);
  // Under dist/, so the bundle finds package.json, prompts/ and node_modules as dist/ does; one
  // folder per run, so two runs never remove each other's.
  const dir = mkdtempSync(join(root, "dist", "test-cli-"));
  await bundleCli(root, dir);
  project.provide("bundledCli", join(dir, "main.js"));
  // Gone after the run, so a later `npm pack` of dist/ never ships it.
  return () => rmSync(dir, { recursive: true, force: true });
}

/**
 * Runs tsc unless its last successful build here is newer than every input: even with nothing to
 * do, an incremental tsc reads the whole program (seconds, before any test may start). The stamp
 * carries the newest input's time as it was before that build, so a file saved during a build is
 * newer and builds again; a failed build writes no stamp.
 */
function buildDist(root: string): void {
  const stamp = join(root, "dist", ".test-build-stamp");
  const newest = newestInput(root);
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= newest) return;
  const tsc = "node_modules/typescript/bin/tsc";
  const args = [tsc, "-p", "tsconfig.build.json", "--incremental", "--tsBuildInfoFile", "dist/.tsbuildinfo"];
  try {
    execFileSync(process.execPath, args, { cwd: root, stdio: "pipe", encoding: "utf8" });
  } catch (error) {
    const output = (error as { stdout?: string }).stdout ?? "";
    throw new Error(`the build failed, so no test runs against dist/:\n${output}`);
  }
  execFileSync(process.execPath, ["scripts/chmod-bin.js"], { cwd: root, stdio: "pipe" });
  writeFileSync(stamp, "");
  // Whole milliseconds: a stamp set to a fraction of one can come back a hair earlier.
  const at = new Date(Math.ceil(newest));
  utimesSync(stamp, at, at);
}

/** The newest modification time (ms) of what tsconfig.build.json compiles, and of its settings. */
function newestInput(root: string): number {
  let newest = 0;
  const visit = (path: string): void => {
    const stat = statSync(path);
    newest = Math.max(newest, stat.mtimeMs);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  for (const name of ["src", "tools", "tsconfig.json", "tsconfig.build.json", "package.json"])
    visit(join(root, name));
  return newest;
}

declare module "vitest" {
  export interface ProvidedContext {
    /** The built CLI bundled from dist/ for this run (cli.ts). */
    bundledCli: string;
  }
}

/** Packages the CLI loads with import(); test/unit/bundle-external.test.ts keeps the list whole. */
export const BUNDLE_EXTERNAL = ["graphql", "yaml", "openai", "@anthropic-ai/sdk"] as const;

/**
 * dist/'s CLI, with its dependencies, bundled into a few files (cli.ts says why). Split at the
 * CLI's own dynamic imports, so a command still loads only what it loads from dist/. Dependencies
 * written as CommonJS use `require` and `__filename` (write-file-atomic names its temp files with
 * it), which an ES module lacks: each file gets its own.
 */
async function bundleCli(root: string, outdir: string): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: { main: "dist/src/cli/main.js" },
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "error",
    // Packages the CLI loads with import() stay Node's to load: esbuild's bundled import() of a
    // CommonJS package (graphql, yaml) gives no named exports where Node's gives them, so the
    // bundle would fail where dist/ works.
    external: [...BUNDLE_EXTERNAL],
    banner: {
      js: [
        'import { createRequire as __flyopsCreateRequire } from "node:module";',
        'import { fileURLToPath as __flyopsFileURLToPath } from "node:url";',
        "const require = __flyopsCreateRequire(import.meta.url);",
        "const __filename = __flyopsFileURLToPath(import.meta.url);",
      ].join(" "),
    },
  });
}
