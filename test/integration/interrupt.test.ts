import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI_PATH } from "../support/cli.js";
import { sandboxHome } from "../support/sandbox-home.js";

/**
 * Ctrl-C: the built CLI, interrupted while it waits for a machine that takes a minute to stop,
 * ends with exit 130 and one line saying what was interrupted; `apply` says how to resume.
 */

const WEB_IAD_1 = { app: "demo-web", machine_id: "148e272b0e4d89" };

// A stop that takes a minute: the command is surely still waiting when Ctrl-C comes.
const world = sandboxHome({ prefix: "flyops-interrupt-", sandbox: { seed: "demo", transitionMs: 60_000 } });

/**
 * Runs the CLI until `ready` shows on stderr (or, without it, for a second and a half), then sends
 * SIGINT; resolves with how it ended.
 */
function interruptWhen(args: string[], ready?: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], {
      cwd: world.dir,
      env: world.env({ PATH: process.env.PATH ?? "" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    let sent = false;
    if (ready === undefined) setTimeout(() => child.kill("SIGINT"), 1500);
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
      if (ready !== undefined && !sent && stderr.includes(ready)) {
        sent = true;
        // A moment later, so the stop request is in flight and the wait has begun.
        setTimeout(() => child.kill("SIGINT"), 300);
      }
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

describe("Ctrl-C", () => {
  it("during apply: exit 130, one line naming the step, and the --resume command", async () => {
    const plan = {
      version: 1,
      request: "stop web-iad-1",
      createdAt: "2026-11-22T10:00:00Z",
      org: "personal",
      summary: "Stop one machine.",
      steps: [{ id: "s1", tool: "machines_stop", reason: "scale down", input: WEB_IAD_1 }],
    };
    writeFileSync(join(world.dir, "stop.json"), JSON.stringify(plan), { mode: 0o600 });
    expect((await world.cli(["plan", "approve", "stop.json", "--by", "dana"])).code).toBe(0);
    const run = await interruptWhen(["apply", "stop.json", "--yes"], "[1/1] s1");
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toContain("interrupted: apply of stop.json stopped during step s1");
    expect(run.stderr).toContain("flyops apply stop.json --resume");
  });

  it("during another command: exit 130 and a line naming the command", async () => {
    const run = await interruptWhen(["fly", "stop", "machine", WEB_IAD_1.machine_id, "--app", "demo-web"]);
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toContain("interrupted: flyops fly stop");
  });
});
