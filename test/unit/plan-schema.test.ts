import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/package-root.js";
import {
  PLAN_SCHEMA_PATH,
  planJsonSchema,
  planJsonSchemaText,
} from "../../src/plan/schema/plan-json-schema.js";
import {
  PlanFile,
  PlanProposal,
  PlanStep,
  type Precondition,
  type PlanStep as PlanStepType,
} from "../../src/plan/schema/schema.js";

const examplesDir = join(packageRoot, "plans", "examples");
const examples = readdirSync(examplesDir)
  .filter((name) => name.endsWith(".json"))
  .map(
    (name) =>
      [name, JSON.parse(readFileSync(join(examplesDir, name), "utf8")) as Record<string, unknown>] as const,
  );

const ajv = new Ajv({ strict: false, allErrors: true });
// ajv-formats is CommonJS: under NodeNext its default export is the module, whose `default` is the plugin.
addFormatsModule.default(ajv);
const validateJson = ajv.compile(planJsonSchema());

/** A plan as tests edit it: JSON, with the two arrays they reach into. */
interface EditablePlan {
  [key: string]: unknown;
  steps: Array<Record<string, unknown> & { input: Record<string, unknown> }>;
  preconditions: Array<Record<string, unknown>>;
}

function clone(value: Record<string, unknown>): EditablePlan {
  return structuredClone(value) as EditablePlan;
}

const base = examples.find(([name]) => name === "stop-machine.json")![1];

describe("plans/plan.schema.json", () => {
  it("is the JSON Schema generated from the zod schema (regenerate: node --import tsx scripts/write-plan-schema.ts)", () => {
    const committed = readFileSync(join(packageRoot, PLAN_SCHEMA_PATH), "utf8");
    expect(
      committed,
      "plans/plan.schema.json is stale: run `node --import tsx scripts/write-plan-schema.ts`",
    ).toBe(planJsonSchemaText());
  });
});

describe("the reviewed example plans", () => {
  it("exist: create a machine, stop a machine, set a secret from the environment", () => {
    expect(examples.map(([name]) => name).sort()).toEqual(
      expect.arrayContaining(["create-machine.json", "set-secret-from-env.json", "stop-machine.json"]),
    );
  });

  it.each(examples)("%s is valid for zod and for the JSON Schema", (_name, plan) => {
    expect(PlanFile.safeParse(plan).error?.issues).toBeUndefined();
    expect(validateJson(plan), JSON.stringify(validateJson.errors)).toBe(true);
  });
});

describe("unknown fields are rejected at every level", () => {
  const mutations: Array<[string, (plan: EditablePlan) => void]> = [
    ["top level", (p) => (p.comment = "x")],
    ["a step", (p) => (p.steps[0]!.risk = "read")],
    ["a step's input", (p) => (p.steps[0]!.input.force = true)],
    [
      "a flyctl step's input",
      (p) =>
        (p.steps[0] = { id: "s1", tool: "flyctl", reason: "r", input: { args: ["status"], shell: true } }),
    ],
    ["a precondition", (p) => (p.preconditions[0]!.note = "x")],
    [
      "the approval",
      (p) =>
        (p.approval = {
          sha256: "a".repeat(64),
          approvedAt: "2026-11-22T10:00:00Z",
          approvedBy: "me",
          via: "x",
        }),
    ],
    [
      "a secret reference",
      (p) =>
        (p.steps[0] = {
          id: "s1",
          tool: "secrets_set",
          reason: "r",
          input: { app: "my-app", secrets: { A: { fromEnv: "A", value: "v" } } },
        }),
    ],
  ];

  it.each(mutations)("%s", (_where, mutate) => {
    const plan = clone(base);
    mutate(plan);
    expect(PlanFile.safeParse(plan).success).toBe(false);
    expect(validateJson(plan)).toBe(false);
  });
});

describe("PlanFile", () => {
  it("accepts an approval and a raw flyctl step", () => {
    const plan = clone(base);
    plan.approval = {
      sha256: "a".repeat(64),
      approvedAt: "2026-11-22T10:00:00Z",
      approvedBy: "ops@example.com",
    };
    plan.steps.push({
      id: "s2",
      tool: "flyctl",
      reason: "r",
      input: { args: ["scale", "count", "3", "-a", "my-app", "-y"] },
    });
    expect(PlanFile.safeParse(plan).success).toBe(true);
    expect(validateJson(plan)).toBe(true);
  });

  it.each([
    ["version 2", (p: EditablePlan) => (p.version = 2)],
    ["a date that is not ISO", (p: EditablePlan) => (p.createdAt = "22/11/2026")],
    ["no steps", (p: EditablePlan) => (p.steps = [])],
    ["an unknown tool", (p: EditablePlan) => (p.steps[0]!.tool = "machines_explode")],
    [
      "a literal secret value",
      (p: EditablePlan) =>
        (p.steps[0] = {
          id: "s1",
          tool: "secrets_set",
          reason: "r",
          input: { app: "a", secrets: { A: "v" } },
        }),
    ],
    ["a precondition on a write tool", (p: EditablePlan) => (p.preconditions[0]!.tool = "machines_stop")],
    [
      "flyctl without arguments",
      (p: EditablePlan) => (p.steps[0] = { id: "s1", tool: "flyctl", reason: "r", input: { args: [] } }),
    ],
    [
      "a short approval digest",
      (p: EditablePlan) =>
        (p.approval = { sha256: "abc", approvedAt: "2026-11-22T10:00:00Z", approvedBy: "me" }),
    ],
  ])("rejects %s", (_what, mutate) => {
    const plan = clone(base);
    mutate(plan);
    expect(PlanFile.safeParse(plan).success).toBe(false);
    expect(validateJson(plan)).toBe(false);
  });

  it("types steps and preconditions through z.infer", () => {
    const step: PlanStepType = { id: "s1", tool: "flyctl", reason: "r", input: { args: ["status"] } };
    const precondition: Precondition = { tool: "apps_get", input: { app: "a" }, expect: { exists: true } };
    expect(PlanStep.safeParse(step).success).toBe(true);
    expect(precondition.expect).toEqual({ exists: true });
  });
});

describe("PlanProposal (the maker's propose_plan input)", () => {
  it("takes summary, steps and preconditions only", () => {
    const { summary, steps, preconditions } = base;
    expect(PlanProposal.safeParse({ summary, steps, preconditions }).success).toBe(true);
    expect(PlanProposal.safeParse({ summary, steps, preconditions, version: 1 }).success).toBe(false);
  });
});
