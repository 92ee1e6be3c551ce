import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runPlanApprove } from "../../src/cli/commands/plan-approve.js";
import { RefusedError } from "../../src/errors.js";
import { approvalStatus, defaultApprover, withApproval } from "../../src/plan/schema/approval.js";
import { canonicalJson, planDigest, sha256Hex } from "../../src/plan/schema/canonical.js";

const plan = {
  version: 1,
  request: "stop web-iad-1",
  createdAt: "2026-11-22T10:00:00Z",
  org: "personal",
  summary: "Stop one machine.",
  steps: [
    {
      id: "s1",
      tool: "machines_stop",
      reason: "asked",
      input: { app: "demo-web", machine_id: "148e272b0e4d89" },
    },
  ],
  preconditions: [
    {
      tool: "machines_get",
      input: { app: "demo-web", machine_id: "148e272b0e4d89" },
      expect: { state: "started" },
    },
  ],
};

let dir: string;
const out: string[] = [];
const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t) };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "flyops-approve-"));
  out.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("canonicalJson", () => {
  it("sorts keys at every depth and drops whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: "x" } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it("drops undefined members as JSON does, and escapes strings as JSON does", () => {
    expect(canonicalJson({ a: undefined, b: 'é\n"' })).toBe('{"b":"é\\n\\""}');
  });
});

describe("planDigest", () => {
  it("ignores approval, formatting and key order, but not content", () => {
    const digest = planDigest(plan);
    expect(digest).toBe(sha256Hex(canonicalJson(plan)));
    const reordered = Object.fromEntries(Object.entries(plan).reverse());
    expect(
      planDigest({ ...reordered, approval: { sha256: "0".repeat(64), approvedAt: "x", approvedBy: "y" } }),
    ).toBe(digest);
    expect(planDigest({ ...plan, summary: "Stop two machines." })).not.toBe(digest);
  });
});

describe("approval", () => {
  it("is missing, then valid, then changed when a step is edited", () => {
    expect(approvalStatus(plan).state).toBe("missing");
    const approved = withApproval(plan, "Dana <dana@example.com>", new Date("2026-11-22T11:00:00Z"));
    expect(approved.approval).toEqual({
      sha256: planDigest(plan),
      approvedAt: "2026-11-22T11:00:00.000Z",
      approvedBy: "Dana <dana@example.com>",
    });
    expect(approvalStatus(approved).state).toBe("valid");
    const edited = {
      ...approved,
      steps: [{ ...plan.steps[0], input: { app: "demo-web", machine_id: "d8d9e21a7c3e18" } }],
    };
    expect(approvalStatus(edited).state).toBe("changed");
  });

  it("defaults the approver to $USER when git names nobody", async () => {
    const env = { PATH: process.env.PATH ?? "", HOME: dir, XDG_CONFIG_HOME: dir, USER: "dana" };
    expect(await defaultApprover(env, dir)).toBe("dana");
  });

  it("falls back to the system's user name without git identity or $USER (containers, CI)", async () => {
    const env = { PATH: process.env.PATH ?? "", HOME: dir, XDG_CONFIG_HOME: dir };
    expect(await defaultApprover(env, dir)).toBe(userInfo().username);
    expect(await defaultApprover(env, dir, () => "ci-runner")).toBe("ci-runner");
    const noEntry = () => {
      throw new Error("ENOENT: no such user");
    };
    expect(await defaultApprover(env, dir, noEntry)).toBeUndefined();
  });

  it("uses git's user when there is one", async () => {
    writeFileSync(join(dir, ".gitconfig"), "[user]\n\tname = Dana Demo\n\temail = dana@example.com\n");
    const env = { PATH: process.env.PATH ?? "", HOME: dir, XDG_CONFIG_HOME: dir, USER: "dana" };
    expect(await defaultApprover(env, dir)).toBe("Dana Demo <dana@example.com>");
  });
});

describe("flyops plan approve", () => {
  it("records sha256, approvedAt and approvedBy, keeping the file private", async () => {
    const file = join(dir, "plan.json");
    writeFileSync(file, JSON.stringify(plan));
    const result = await runPlanApprove(
      file,
      { by: "lee" },
      { io, env: {}, cwd: dir, now: () => new Date("2026-11-22T12:00:00Z") },
    );
    const written = JSON.parse(readFileSync(file, "utf8")) as typeof plan & { approval: unknown };
    expect(written.approval).toEqual({
      sha256: planDigest(plan),
      approvedAt: "2026-11-22T12:00:00.000Z",
      approvedBy: "lee",
    });
    expect(result.approval).toEqual(written.approval);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(out.join("")).toContain(`approved ${file}`);
  });

  it("refuses a plan the validator blocks under the current policy", async () => {
    const file = join(dir, "destroy.json");
    const destroy = {
      ...plan,
      steps: [
        {
          id: "s1",
          tool: "machines_destroy",
          reason: "asked",
          input: { app: "demo-web", machine_id: "3287e15b6d9e48" },
        },
      ],
    };
    writeFileSync(file, JSON.stringify(destroy));
    const error = await runPlanApprove(file, { by: "lee" }, { io, env: {}, cwd: dir }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RefusedError);
    expect((error as Error).message).toMatch(/destructive/);
    expect(JSON.parse(readFileSync(file, "utf8"))).not.toHaveProperty("approval");
    await runPlanApprove(file, { by: "lee", allowDestructive: true }, { io, env: {}, cwd: dir });
    expect(approvalStatus(JSON.parse(readFileSync(file, "utf8")) as object).state).toBe("valid");
  });
});
