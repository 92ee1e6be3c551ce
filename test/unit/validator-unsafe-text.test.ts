import { describe, expect, it } from "vitest";
import { validatePlan, type Finding } from "../../src/plan/check/validator.js";
import { renderReview, reviewPlan } from "../../src/plan/check/review.js";
import { findingLine } from "../../src/plan/check/finding-line.js";

/** The validator's control-character rule, and how findings and reviews show what a plan holds. */

const ANSI = "\u001b[1A\u001b[2K";
const MACHINE = "148e272b0e4d89";

function plan(steps: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    request: "stop a machine",
    createdAt: "2026-11-22T10:00:00Z",
    org: "personal",
    summary: "Stop it.",
    steps,
    preconditions: [],
    ...extra,
  };
}

const stop = (input: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: "s1",
  tool: "machines_stop",
  reason: "asked",
  input: { app: "demo-web", machine_id: MACHINE, ...input },
  ...extra,
});

const policy = { allowDestructive: true };

function unsafe(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.rule === "control-character");
}

describe("control-character rule", () => {
  const hostile: Record<string, string> = {
    "an ANSI sequence": `${MACHINE}${ANSI}`,
    "a C1 CSI": `${MACHINE}\u009b2K`,
    DEL: `${MACHINE}\u007f`,
    "a bidi override": `\u202e${MACHINE}`,
    "an isolate": `${MACHINE}\u2066`,
    "a zero-width space": `${MACHINE}\u200b`,
    "a word joiner": `${MACHINE}\u2060`,
    "a soft hyphen": `148e\u00ad272b0e4d89`,
    "the Mongolian vowel separator": `${MACHINE}\u180e`,
    "a tag character": `${MACHINE}\u{e0041}`,
    "a line separator": `${MACHINE}\u2028`,
    "a newline": `${MACHINE}\nother`,
  };
  for (const [what, id] of Object.entries(hostile)) {
    it(`blocks a catalog id holding ${what}, naming the field and showing the character escaped`, () => {
      const result = validatePlan(plan([stop({ machine_id: id })]), policy);
      expect(result.ok).toBe(false);
      const [finding, ...more] = unsafe(result.findings);
      expect(more).toEqual([]);
      expect(finding).toMatchObject({ step: "s1", severity: "block" });
      expect(finding?.message).toMatch(/^steps\[0\]\.input\.machine_id: holds characters a terminal acts on/);
      expect(finding?.message).toMatch(/\\u|\\n/);
      // No control (C0, DEL, C1), format (bidi, zero-width, tags) or separator character left raw.
      expect(finding?.message).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
    });
  }

  it("blocks names, nested strings and keys of any catalog input, and precondition inputs", () => {
    const result = validatePlan(
      plan(
        [
          {
            id: "c1",
            tool: "machines_create",
            reason: "more",
            input: {
              app: "demo-web",
              region: "iad",
              name: `web\u200b`,
              image: `nginx${ANSI}`,
              guest: { cpu_kind: "shared", cpus: 1, memory_mb: 256 },
            },
          },
          stop({ [`app\u202e`]: "x" }, { id: "s2" }),
        ],
        {
          preconditions: [{ tool: "apps_get", input: { app: `demo-web${ANSI}` }, expect: { exists: true } }],
        },
      ),
      policy,
    );
    const where = unsafe(result.findings).map((f) => f.message.split(":")[0]);
    expect(where).toEqual([
      "steps[0].input.name",
      "steps[0].input.image",
      "steps[1].input.app\\u202e",
      "preconditions[0].input.app",
    ]);
  });

  it("blocks step ids and the plan's org, besides the schema's own finding", () => {
    const result = validatePlan(plan([stop({}, { id: `s1${ANSI}` })], { org: `personal\u2066` }), policy);
    expect(unsafe(result.findings).map((f) => [f.step, f.message.split(":")[0]])).toEqual([
      [undefined, "org"],
      [`s1${ANSI}`, "steps[0].id"],
    ]);
  });

  it("leaves free text to be shown escaped: reason, summary and request may hold anything", () => {
    const result = validatePlan(
      plan([stop({}, { reason: `fine${ANSI}\u202e` })], {
        summary: `Stop it.${ANSI}`,
        request: `stop\u200b it\nplease`,
      }),
      policy,
    );
    expect(result).toMatchObject({ ok: true, findings: [] });
  });

  it("neither checks nor quotes a literal secret value (its own rule blocks it); checks secret names and references", () => {
    const value = `v${ANSI}`;
    const result = validatePlan(
      plan([
        {
          id: "s1",
          tool: "secrets_set",
          reason: "rotate",
          input: {
            app: "demo-web",
            secrets: { PLAIN: value, [`NAME\u200b`]: { fromEnv: "X" }, REF: { fromEnv: `X${ANSI}` } },
          },
        },
      ]),
      policy,
    );
    expect(result.findings.map((f) => f.rule).sort()).toEqual([
      "control-character",
      "control-character",
      "secret-value",
      "tool-input", // the secret name's own shape
    ]);
    expect(unsafe(result.findings).map((f) => f.message.split(":")[0])).toEqual([
      "steps[0].input.secrets.NAME\\u200b",
      "steps[0].input.secrets.REF.fromEnv",
    ]);
    expect(JSON.stringify(result)).not.toContain("[1A");
  });

  it("leaves raw flyctl arguments to the flyctl rule: one finding, not two", () => {
    const result = validatePlan(
      plan([{ id: "f1", tool: "flyctl", reason: "x", input: { args: ["status", "-a", `demo${ANSI}`] } }]),
      policy,
    );
    expect(result.findings.map((f) => f.rule)).toContain("flyctl-control-chars");
    expect(unsafe(result.findings)).toEqual([]);
  });

  it("writes every message terminal-safe, whatever rule quotes the plan", () => {
    const result = validatePlan(plan([{ ...stop({}), tool: `machines_stop${ANSI}` }]), policy);
    const finding = result.findings.find((f) => f.rule === "unknown-tool");
    expect(finding?.message).toContain("machines_stop\\u001b[1A\\u001b[2K");
    expect(finding?.message).not.toContain("\u001b");
  });
});

describe("reviews and finding lines show a plan's values escaped, one line each", () => {
  it("escapes ids, reasons, summary, request and approver, and no value starts a line of its own", async () => {
    const raw = plan(
      [
        stop(
          { machine_id: `${MACHINE}${ANSI}` },
          { id: `s1\u202e`, reason: `ok\n  s2   [read] harmless${ANSI}` },
        ),
      ],
      {
        summary: `Nothing to see.${ANSI}`,
        request: `stop\u2028it`,
        approval: { sha256: "0".repeat(64), approvedAt: "2026-11-22T10:00:00Z", approvedBy: `dana${ANSI}` },
      },
    );
    const text = renderReview(await reviewPlan(raw, { file: "p.json", allowDestructive: false }));
    for (const raw of ["\u001b", "\u202e", "\u2028"]) expect(text).not.toContain(raw);
    // An input its tool rejects is shown as written, escaped, not described.
    expect(text).toContain(`machines_stop {"app":"demo-web","machine_id":"${MACHINE}\\u001b[1A\\u001b[2K"}`);
    expect(text).toContain("why: ok\\n  s2   [read] harmless\\u001b[1A\\u001b[2K");
    expect(text).toContain("s1\\u202e");
    expect(text).toContain("summary:  Nothing to see.\\u001b[1A");
    expect(text).toContain("request:  stop\\u2028it");
    expect(text).toContain("CHANGED since dana\\u001b[1A\\u001b[2K approved it");
    expect(text.split("\n").filter((line) => line.includes("[read]"))).toHaveLength(1);
  });

  it("findingLine escapes the step id as the plan wrote it", () => {
    expect(findingLine({ step: `s1${ANSI}`, rule: "schema", severity: "block", message: "bad\u202e" })).toBe(
      "s1\\u001b[1A\\u001b[2K: bad\\u202e [schema]",
    );
  });
});
