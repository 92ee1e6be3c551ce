import { z } from "zod";
import { catalog, isWriteTool, type AnyTool } from "../../../tools/index.js";

/**
 * Plan file, version 1 (DESIGN.md). Every object is strict: a field flyops does not know is an
 * error, not something silently carried into an approved plan. Steps and preconditions are
 * unions keyed on `tool`, each with that tool's own input schema, so the JSON Schema written to
 * plans/plan.schema.json describes every input exactly. (The maker's `propose_plan` tool offers a
 * narrower form of the proposal, maker-proposal.ts: its schema goes with every model turn.)
 */

export const SecretRef = z
  .union([
    z
      .object({ fromEnv: z.string().min(1).describe("Environment variable holding the value at apply time") })
      .strict(),
    z.object({ fromFile: z.string().min(1).describe("File holding the value at apply time") }).strict(),
  ])
  .describe('Where a secret value is read at apply time: {"fromEnv": "NAME"} or {"fromFile": "PATH"}');
export type SecretRef = z.infer<typeof SecretRef>;

const BareStepId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "letters, digits, '.', '_' or '-', at most 64 characters");
const StepId = BareStepId.describe('Step id, unique in the plan, e.g. "s1"');

const BareReason = z.string().trim().min(1);
const Reason = BareReason.describe("Why this step is needed, for the reviewer");

export const FlyctlInput = z
  .object({
    args: z
      .array(z.string())
      .min(1)
      .describe(
        'flyctl arguments without the program name, e.g. ["scale", "count", "3", "--app", "my-app", "--yes"]',
      ),
  })
  .strict();

export const FlyctlStep = z
  .object({ id: StepId, tool: z.literal("flyctl"), reason: Reason, input: FlyctlInput })
  .strict()
  .describe("A raw flyctl invocation; run with an argument array, never through a shell");
export type FlyctlStep = z.infer<typeof FlyctlStep>;

/** Any step, catalog or flyctl, before its input is checked; the union below narrows `input` per tool. */
export const StepFields = z
  .object({ id: StepId, tool: z.string(), reason: Reason, input: z.record(z.unknown()) })
  .strict();
export type CatalogStep = z.infer<typeof StepFields>;
export type PlanStep = FlyctlStep | CatalogStep;

/** In a plan, a tool's secret field holds references only; the applier resolves them into plain strings. */
function planInput(tool: AnyTool): z.ZodTypeAny {
  const field = isWriteTool(tool) ? tool.step.secretRefs : undefined;
  if (field === undefined || !(tool.input instanceof z.ZodObject)) return tool.input;
  return (tool.input as z.AnyZodObject).extend({
    [field]: z
      .record(z.string(), SecretRef)
      .describe(
        'Secret name to a reference, e.g. {"DATABASE_URL": {"fromEnv": "DATABASE_URL"}}; never a value',
      ),
  });
}

type StepOption = z.ZodDiscriminatedUnionOption<"tool">;

function stepOption(tool: AnyTool, described: boolean): StepOption {
  const option = z
    .object({
      id: described ? StepId : BareStepId,
      tool: z.literal(tool.name),
      reason: described ? Reason : BareReason,
      input: planInput(tool),
    })
    .strict();
  return described ? option.describe(`${tool.access} — ${tool.description}`) : option;
}

export interface PlanStepSchemaOptions {
  /**
   * Repeat the tool's description and the id/reason help on every option. The plan file's JSON
   * schema wants them for editors; the maker's proposal leaves them out, since its system prompt
   * already lists every step tool, and the schema goes with every model turn.
   */
  described?: boolean;
}

/** A step of one of `tools` or a raw flyctl step; the maker's proposal offers the write tools only. */
export function planStepSchema(
  tools: readonly AnyTool[],
  { described = true }: PlanStepSchemaOptions = {},
): z.ZodType<PlanStep, z.ZodTypeDef, unknown> {
  const options = [FlyctlStep, ...tools.map((tool) => stepOption(tool, described))] as [
    StepOption,
    ...StepOption[],
  ];
  return z.discriminatedUnion("tool", options) as unknown as z.ZodType<PlanStep, z.ZodTypeDef, unknown>;
}

export const PlanStep = planStepSchema(catalog);

export const Expectation = z
  .union([
    z.object({ exists: z.boolean() }).strict(),
    z
      .record(z.unknown())
      .describe('Keys that must equal the same keys of the result, e.g. {"state": "started"}'),
  ])
  .describe('{"exists": true|false}, or a partial object the read tool\'s result must match');
export type Expectation = z.infer<typeof Expectation>;

export const PreconditionShape = z
  .object({ tool: z.string(), input: z.record(z.unknown()), expect: Expectation })
  .strict();
export type Precondition = z.infer<typeof PreconditionShape>;

/** The tools a precondition may call: reads only. */
export function readTools(): AnyTool[] {
  return catalog.filter((tool) => tool.access === "read");
}

type PreconditionOption = z.ZodDiscriminatedUnionOption<"tool">;

const preconditionOptions = readTools().map((tool): PreconditionOption =>
  z.object({ tool: z.literal(tool.name), input: tool.input, expect: Expectation }).strict(),
) as [PreconditionOption, ...PreconditionOption[]];

export const Precondition = z
  .discriminatedUnion("tool", preconditionOptions)
  .describe("A fact the plan relies on, re-checked against live state before apply") as unknown as z.ZodType<
  Precondition,
  z.ZodTypeDef,
  unknown
>;

export const Approval = z
  .object({
    sha256: z.string().regex(/^[0-9a-f]{64}$/, "64 lowercase hex digits"),
    approvedAt: z.string().datetime({ offset: true }),
    approvedBy: z.string().min(1),
  })
  .strict()
  .describe("sha256 of the canonical JSON of the plan without `approval`");
export type Approval = z.infer<typeof Approval>;

/** The parts of a plan a model writes; `propose_plan` takes the narrower MakerProposal (maker-proposal.ts). */
export const PlanProposal = z
  .object({
    summary: z.string().trim().min(1).describe("One or two sentences saying what the plan changes"),
    steps: z.array(PlanStep).min(1),
    preconditions: z.array(Precondition),
  })
  .strict();
export type PlanProposal = z.infer<typeof PlanProposal>;

export const PlanFile = z
  .object({
    version: z.literal(1),
    request: z.string().describe("The change request as the person wrote it"),
    createdAt: z.string().datetime({ offset: true }),
    // Required of a plan with a Fly step (the validator says so); a plan of FlyWP steps only has no org.
    org: z
      .string()
      .min(1)
      .optional()
      .describe("Organization slug the plan was made for (plans with Fly steps)"),
    summary: PlanProposal.shape.summary,
    steps: PlanProposal.shape.steps,
    // A plan written by hand may leave the list out: it then relies on no recorded facts.
    preconditions: PlanProposal.shape.preconditions.default([]),
    approval: Approval.optional(),
  })
  .strict();
export type PlanFile = z.infer<typeof PlanFile>;
