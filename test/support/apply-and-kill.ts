import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const UNTIL_KILLED = fileURLToPath(new URL("./apply-until-killed.js", import.meta.url));

/** Where the apply runs: a temp home and the environment that points at its sandbox. */
export interface ApplyHome {
  readonly dir: string;
  env(extra?: Record<string, string>): Record<string, string>;
}

/**
 * Runs `apply --yes` on `file` (apply-until-killed.js) until it reports the pause at `step`'s
 * `moment`, then kills it with SIGKILL, as a crash would; resolves with what it wrote to stderr.
 */
export function applyAndKill(
  home: ApplyHome,
  file: string,
  step: string,
  moment: "started" | "ran",
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [UNTIL_KILLED, file, step, moment], {
      cwd: home.dir,
      env: home.env({ PATH: process.env.PATH ?? "" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
      if (stderr.includes("paused ")) child.kill("SIGKILL");
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (signal === "SIGKILL") resolve(stderr);
      else reject(new Error(`apply ended by itself (code ${code}) before the pause:\n${stderr}`));
    });
  });
}
