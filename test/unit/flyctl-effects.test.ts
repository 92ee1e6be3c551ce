import { describe, expect, it } from "vitest";
import { judgeFlyctl } from "../../src/plan/flyctl/rules.js";
import { screenCommand, splitCommandLine } from "../../src/security/remote-command.js";
import { programName } from "../../src/security/remote-programs.js";
import { secretAssignment, withholdSecretValues } from "../../src/security/withhold-secrets.js";
import { validatePlan } from "../../src/plan/check/validator.js";

const allow = { allowDestructive: true };
const screen = (text: string) =>
  screenCommand({ source: "the remote command", words: splitCommandLine(text), programs: [0] });

describe("screenCommand: one plain program with plain arguments", () => {
  it("splits on single spaces only, so any other whitespace stays inside a word and is refused", () => {
    expect(splitCommandLine("  ls   -la /data ")).toEqual(["ls", "-la", "/data"]);
    expect(screen("ls\t-la")[0]?.why).toContain("whitespace or a non-ASCII character");
  });

  it("says what is wrong with a word, by kind", () => {
    const why = (text: string) => screen(text).map((p) => p.why);
    expect(why("p''rintenv")).toContain("the remote command: \"p''rintenv\" holds quotes");
    expect(why("print\\env").join("\n")).toContain("a backslash escape");
    expect(why("ls /data/*").join("\n")).toContain("a glob or brace pattern");
    expect(why("env > /dev/stderr").join("\n")).toContain("a redirection");
    expect(why("bash")).toEqual([
      "the remote command: it runs a shell (bash), which runs any code given to it",
    ]);
    expect(why("python3 -c 1")).toEqual([
      "the remote command: it gives python an option before its script, which can pass it code (-c, -e, -m, -)",
    ]);
  });

  it("never echoes the value of a NAME=VALUE word", () => {
    const text = screen("LD_PRELOAD=/tmp/evil.so ./run")
      .map((p) => p.why)
      .join("\n");
    expect(text).toContain('"LD_PRELOAD=…"');
    expect(text).not.toContain("evil");
  });

  it("judges the program after an entrypoint as a program too", () => {
    const problems = screenCommand({
      source: "--entrypoint with the machine's command",
      words: ["/docker-entrypoint.sh", "python3"],
      programs: [0, 1],
    });
    expect(problems.map((p) => p.why)).toEqual([
      "--entrypoint with the machine's command: it runs python with no script, which opens a prompt",
    ]);
  });

  it("names programs without folder, version or case", () => {
    expect(programName("/usr/bin/Python3.12")).toBe("python");
    expect(programName("perl5.36")).toBe("perl");
    expect(programName("./migrate")).toBe("migrate");
    expect(programName("2to3")).toBe("2to");
  });
});

describe("secret values on a flyctl command line", () => {
  const values = ["hunter22", "pw@db", "Basic", "s3ss"];
  const lines = [
    ["machine", "run", "nginx", "-e", "DB_PASSWORD=hunter22", "-a", "my-app"],
    [
      "machine",
      "update",
      "148ed123a45678",
      "--env=DATABASE_URL=postgres://app:pw@db/app",
      "-a",
      "my-app",
      "-y",
    ],
    ["deploy", "-a", "my-app", "-y", "-i", "img:1", "--build-arg", "AUTH_HEADER=Basic"],
    ["ssh", "console", "-C", "./migrate SESSION_SECRET=s3ss", "-a", "my-app"],
  ];

  it.each(lines)("blocks %j and never echoes the value", (...args) => {
    const hits = judgeFlyctl(args, allow);
    expect(hits.map((h) => [h.rule, h.severity])).toContainEqual(["flyctl-secret-on-command-line", "block"]);
    for (const value of values) expect(hits.map((h) => h.message).join("\n")).not.toContain(value);
  });

  it.each([
    [["console", "-e", "DB_PASSWORD=hunter22", "-a", "my-app"]],
    [["bogus", "--env=AUTH_HEADER=Basic", "--", "SESSION_SECRET=s3ss"]],
    [["mpg", "create", "pw@db", "DATABASE_URL=postgres://app:pw@db/app"]],
  ])("hides secret values of a line it does not parse: %j", (args) => {
    const text = judgeFlyctl(args, allow)
      .map((h) => h.message)
      .join("\n");
    expect(text).toContain("[REDACTED]");
    for (const value of ["hunter22", "Basic", "s3ss", "app:pw"]) expect(text).not.toContain(value);
  });

  it("uses the judgement that withholds values from a model", () => {
    for (const [name, value] of [
      ["DB_PASSWORD", "x"],
      ["URL", "postgres://app:pw@db/app"],
      ["X", `sk_live_${"x".repeat(24)}`],
      ["LOG_LEVEL", "debug"],
      ["PORT", "8080"],
      ["PIN", "1234"],
    ] as const) {
      const flagged = judgeFlyctl(
        ["deploy", "-a", "a", "-y", "-i", "i:1", "-e", `${name}=${value}`],
        allow,
      ).some((h) => h.rule === "flyctl-secret-on-command-line");
      expect(flagged, `${name}=${value}`).toBe(secretAssignment(name, value));
      // And ask's withholding agrees on the same pair written in a question.
      const inQuestion = withholdSecretValues(`is ${name}=${value} right?`).withheld.length > 0;
      expect(inQuestion, `${name}=${value} in a question`).toBe(flagged);
    }
  });
});

describe("the validator on issue 7's flyctl lines", () => {
  const plan = (args: string[]) => ({
    version: 1,
    request: "r",
    createdAt: "2026-11-22T10:00:00Z",
    org: "personal",
    summary: "s",
    steps: [{ id: "s1", tool: "flyctl", reason: "asked", input: { args } }],
    preconditions: [],
  });

  it.each([
    [["machine", "run", "alpine", "printenv", "-a", "my-app"]],
    [["machine", "run", "busybox", "--entrypoint", "env", "-a", "my-app"]],
    [["machine", "run", "-a", "my-app", "alpine", "--", "sh", "-c", "env"]],
    [["machine", "update", "148ed123a45678", "-C", "printenv", "-a", "my-app", "-y"]],
    [["secrets", "set", "DATABASE_URL=-", "-a", "my-app", "--stage"]],
    [["ssh", "console", "-C", "bash", "-a", "my-app"]],
    [["ssh", "console", "--pty", "-C", "top", "-a", "my-app"]],
    [["machine", "exec", "148ed123a45678", "cat /proc/1/env*", "-a", "my-app"]],
  ])("blocks %j even with --allow-destructive", (args) => {
    const result = validatePlan(plan(args), allow);
    expect(result.ok).toBe(false);
    expect(result.findings.length).toBeGreaterThan(0);
    expect(result.findings.every((f) => f.step === "s1" && f.rule.startsWith("flyctl-"))).toBe(true);
  });

  it.each([
    [["ips", "allocate-v6", "--private", "--org", "other-org", "-a", "my-app"]],
    [["secrets", "keys", "gen", "hs256", "k", "-f", "-a", "my-app"]],
    [["ssh", "console", "-C", "uptime", "-a", "my-app"]],
    [["machine", "run", "alpine", "-a", "my-app"]],
  ])("lets %j run only with --allow-destructive", (args) => {
    expect(validatePlan(plan(args), { allowDestructive: false }).findings.map((f) => f.rule)).toEqual([
      "destructive",
    ]);
    expect(validatePlan(plan(args), allow)).toMatchObject({ ok: true, findings: [] });
  });
});
