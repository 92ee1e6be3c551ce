import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";

/** The built CLI as it ships (package.json's bin): for tests of the binary itself, and of what it prints about its own path. */
export const CLI_PATH = fileURLToPath(new URL("../../dist/src/cli/main.js", import.meta.url));

/**
 * The same built CLI, bundled by global-setup.ts from dist/ with its dependencies: a run loads a
 * few dozen files instead of about 700, which takes about 40% off what every spawned command
 * costs. It is still a child process of its own, with its own exit code, streams, signals and
 * environment.
 */
export function bundledCliPath(): string {
  return inject("bundledCli");
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** The whole child environment: nothing of the test runner's own environment leaks in. */
  env?: Record<string, string>;
  input?: string;
  cwd?: string;
  timeoutMs?: number;
}

/** Runs the built CLI as a person would, with no terminal on stdin. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [bundledCliPath(), ...args],
      {
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...options.env },
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 30_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(options.input ?? "");
  });
}
