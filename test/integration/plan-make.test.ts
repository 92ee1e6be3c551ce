import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sandboxHome } from "../support/sandbox-home.js";

/**
 * The whole flow with the built-in local model: `flyops plan "REQUEST"` writes a plan and changes
 * nothing; `plan show` reviews it against live state; `plan approve` and `apply` carry it out.
 */

const world = sandboxHome({ prefix: "flyops-plan-make-", sandbox: { seed: "demo" } });
const cli = world.cli;

describe("flyops plan", () => {
  it("makes a plan with live preconditions, writes it privately under plans/, and changes nothing", async () => {
    const before = JSON.stringify(world.sandbox.store.toState());
    const made = await cli(["plan", "stop machine 148e272b0e4d89 of demo-web", "--model", "local"]);
    expect(made.code, made.stderr).toBe(0);
    expect(JSON.stringify(world.sandbox.store.toState())).toBe(before);

    const files = readdirSync(join(world.dir, "plans"));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{4}-\d{2}-\d{2}-stop-machine-148e272b0e4d89-of-demo-web\.json$/);
    const path = join(world.dir, "plans", files[0]!);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const plan = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    expect(plan).toMatchObject({
      version: 1,
      request: "stop machine 148e272b0e4d89 of demo-web",
      org: "personal",
      steps: [{ tool: "machines_stop", input: { app: "demo-web", machine_id: "148e272b0e4d89" } }],
    });
    const pres = plan.preconditions as Array<{ tool: string; expect: Record<string, unknown> }>;
    expect(pres.find((pre) => pre.tool === "machines_get")?.expect.state).toBe("started");
    expect(plan).not.toHaveProperty("approval");
    expect(made.stdout).toContain("[write] stop machine 148e272b0e4d89 of demo-web");
    expect(made.stdout).toContain("not approved");

    const file = join("plans", files[0]!);
    const show = await cli(["plan", "show", file, "--json"]);
    expect(show.code, show.stderr).toBe(0);
    const review = JSON.parse(show.stdout) as {
      ok: boolean;
      steps: Array<{ risk: string }>;
      preconditions: Array<{ status: string }>;
    };
    expect(review.ok).toBe(true);
    expect(review.steps[0]?.risk).toBe("write");
    expect(review.preconditions.every((c) => c.status === "holds")).toBe(true);

    expect((await cli(["plan", "approve", file, "--by", "dana"])).code).toBe(0);
    const apply = await cli(["apply", file, "--yes"]);
    expect(apply.code, apply.stderr).toBe(0);
    expect(world.sandbox.store.machine("148e272b0e4d89")?.state).toBe("stopped");

    const after = await cli(["plan", "show", file]);
    expect(after.stdout).toContain("DRIFT");
    expect(after.stdout).toContain(`approved by dana`);
  });

  it("writes to -o and prints JSON only on stdout with --json", async () => {
    const made = await cli([
      "plan",
      "create a volume named scratch_data of 2GB in iad for demo-web",
      "--model",
      "local",
      "-o",
      "vol.json",
      "--json",
    ]);
    expect(made.code, made.stderr).toBe(0);
    const out = JSON.parse(made.stdout) as {
      file: string;
      plan: { steps: Array<{ tool: string; input: Record<string, unknown> }> };
    };
    expect(out.file).toBe("vol.json");
    expect(out.plan.steps[0]).toMatchObject({
      tool: "volumes_create",
      input: { name: "scratch_data", size_gb: 2, region: "iad" },
    });
    expect(existsSync(join(world.dir, "vol.json"))).toBe(true);
    const again = await cli(["plan", "anything", "--model", "local", "-o", "vol.json"]);
    expect(again.code).toBe(2);
  });

  it("withholds a secret value written into the request, and says so on stderr", async () => {
    const value = "postgres://app:" + "w".repeat(20) + "@db.internal:5432/app";
    const made = await cli(["plan", `set DATABASE_URL=${value} on demo-web`, "--model", "local"]);
    expect(made.stderr).toContain(
      "withheld the value of DATABASE_URL: a secret value is never sent to the model",
    );
    expect(made.stderr).toContain('{"fromEnv": "DATABASE_URL"}');
    expect(made.stderr + made.stdout).not.toContain("w".repeat(20));
    const plans = existsSync(join(world.dir, "plans")) ? readdirSync(join(world.dir, "plans")) : [];
    for (const file of plans)
      expect(readFileSync(join(world.dir, "plans", file), "utf8")).not.toContain("wwww");
  });

  it("sets only the secret named when its value is withheld: the marker never becomes a second name", async () => {
    const value = "sk_live_" + "abc123xyz";
    const made = await cli([
      "plan",
      `set secret API_KEY to ${value} on demo-web`,
      "--model",
      "local",
      "-o",
      "k.json",
    ]);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toContain("withheld the value of API_KEY");
    const plan = JSON.parse(readFileSync(join(world.dir, "k.json"), "utf8")) as {
      steps: Array<{ tool: string; input: { secrets: Record<string, unknown> } }>;
    };
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]?.input.secrets).toEqual({ API_KEY: { fromEnv: "API_KEY" } });
    expect(readFileSync(join(world.dir, "k.json"), "utf8")).not.toContain(value);
  });

  it("refuses destruction that was not allowed", async () => {
    const made = await cli(["plan", "destroy volume vol_6upl3f9b5h7m2xzc of demo-web", "--model", "local"]);
    expect(made.code).toBe(1);
    expect(made.stderr).toMatch(/destructive/);
    expect(existsSync(join(world.dir, "plans"))).toBe(false);
    const allowed = await cli([
      "plan",
      "destroy volume vol_6upl3f9b5h7m2xzc of demo-web",
      "--model",
      "local",
      "--destroyer",
      "-o",
      "d.json",
    ]);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toContain("[destructive] destroy volume vol_6upl3f9b5h7m2xzc of demo-web");
  });
});
