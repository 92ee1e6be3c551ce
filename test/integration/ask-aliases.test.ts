import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sandboxHome } from "../support/sandbox-home.js";

/** The seed product's spellings: `ask --maker` is `plan`, `ask --apply --plan-file` is `apply`. */

const world = sandboxHome({ prefix: "flyops-ask-aliases-", sandbox: false, per: "file" });
const run = (...args: string[]) => world.cli(["ask", ...args]);

describe("flyops ask --maker / --apply", () => {
  it("makes a plan with --maker and hands it to apply with --apply --plan-file", async () => {
    const made = await run(
      "--maker",
      "--sandbox",
      "-o",
      "new-machine.json",
      "create a 512MB shared-cpu-1x machine in iad for demo-web",
    );
    expect(made.stderr).not.toMatch(/\n\s+at /);
    expect(made.code).toBe(0);
    expect(made.stdout).toContain("wrote new-machine.json; nothing was changed");
    const plan = JSON.parse(await readFile(join(world.dir, "new-machine.json"), "utf8")) as {
      steps: { tool: string }[];
    };
    expect(plan.steps.map((s) => s.tool)).toEqual(["machines_create"]);

    // Not approved, and no terminal to confirm on: apply refuses, whichever spelling ran it.
    const applied = await run("--apply", "--plan-file", "new-machine.json", "--sandbox", "--yes", "--json");
    expect(applied.code).toBe(1);
    expect(JSON.parse(applied.stdout)).toMatchObject({ status: "refused", approval: "missing" });
  });

  it.each([
    [["--destroyer", "which apps?"], /--destroyer can only be used with --maker or --apply/],
    [["--plan-file", "x.json", "which apps?"], /--plan-file can only be used/],
    [["--apply"], /--apply needs --plan-file FILE/],
    [["--maker", "--apply", "--plan-file", "x.json"], /do not go together/],
    [["--max-steps", "0", "which apps?"], /--max-steps must be at least 1/],
    [[], /ask needs a question/],
  ])("rejects a misuse with exit 2: %j", async (args, message) => {
    const result = await run(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
