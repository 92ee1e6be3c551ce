import { z } from "zod";
import { catalog, findTool, isWriteTool, providerOf } from "../../../tools/index.js";
import { containsToken, REDACTED, Redactor } from "../../security/redact.js";
import { judgeFlyctl } from "../flyctl/rules.js";
import {
  NO_TILDE,
  envSourceRefusal,
  sensitivePathReason,
  type EnvSourceRefusal,
} from "../../security/secret-sources.js";
import { Expectation, FlyctlInput, PlanFile, StepFields } from "../schema/schema.js";
import { terminalSafe } from "../../security/terminal-safe.js";
import { UNSAFE_TEXT_RULE, unsafeInputText, unsafeTextMessage, type UnsafeText } from "./unsafe-text.js";

/**
 * The validator: a pure function from a plan (anything read from a file or proposed by a model)
 * and a policy to findings. `plan`, `plan check` and `apply` all call it; a plan runs only when no
 * finding blocks. Risk comes from the catalog (a tool's `access`) or from flyctl's parsed command,
 * never from what the plan says about itself. It reports everything it finds, not the first thing.
 */

export interface Finding {
  step?: string;
  rule: string;
  severity: "block" | "warn";
  message: string;
}

export interface ValidationPolicy {
  allowDestructive: boolean;
  /** Other tools' credential variables a `fromEnv` may name: the config file's secrets.allow_env. */
  allowEnv?: readonly string[];
  /**
   * The credentials this process holds (heldCredentials): a plan holding one is blocked whatever
   * its shape (a FlyWP token has no recognisable prefix), and no message repeats it.
   */
  credentials?: readonly string[];
}

export interface ValidationResult {
  ok: boolean;
  findings: Finding[];
  /** The plan as its schema reads it (defaults filled in); present only when nothing blocks it. */
  plan?: PlanFile;
}

// The plan's own fields are checked here; steps and preconditions one by one below, so that one
// malformed step does not hide what is wrong (or fine) with the others.
const Envelope = PlanFile.extend({
  steps: z.array(z.unknown()).min(1),
  preconditions: z.array(z.unknown()).default([]),
});

// `expect` is checked on its own, for a clearer message than a failed union gives.
const PreconditionFields = z
  .object({ tool: z.string(), input: z.record(z.unknown()), expect: z.unknown() })
  .strict();

function pathText(path: ReadonlyArray<string | number>): string {
  return path.reduce<string>(
    (text, part) => (typeof part === "number" ? `${text}[${part}]` : text ? `${text}.${part}` : part),
    "",
  );
}

function issueText(issue: z.ZodIssue, base: ReadonlyArray<string | number>): string {
  const where = pathText([...base, ...issue.path]);
  return where ? `${where}: ${issue.message}` : issue.message;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const next = [i];
    for (let j = 1; j <= b.length; j += 1) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}

function unknownToolMessage(name: string): string {
  // Names whose lengths differ by more than 2 are further apart than 2 edits: not worth a table of
  // |known| × |name| cells (a megabyte-long name would cost seconds per tool).
  const near = catalog
    .map((tool) => tool.name)
    .filter((known) => Math.abs(known.length - name.length) <= 2 && editDistance(known, name) <= 2);
  const hint = near.length > 0 ? `; did you mean ${near.map((n) => `"${n}"`).join(" or ")}?` : "";
  return `unknown tool "${name}": not in the flyops catalog, and not "flyctl"${hint}`;
}

/** Every string (keys included) that `matches`, by where it sits. */
function tokenPaths(
  value: unknown,
  path: Array<string | number>,
  out: Array<Array<string | number>>,
  matches: (text: string) => boolean,
): void {
  if (typeof value === "string") {
    if (matches(value)) out.push(path);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => tokenPaths(item, [...path, index], out, matches));
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (matches(key)) out.push([...path, key]);
      tokenPaths(item, [...path, key], out, matches);
    }
  }
}

interface Context {
  policy: ValidationPolicy;
  findings: Finding[];
  redactor: Redactor;
}

/** A step as far as it can be judged: its id may be missing or malformed, its tool and input are there. */
interface StepView {
  id: string | undefined;
  tool: string;
  input: Record<string, unknown>;
  base: Array<string | number>;
}

function add(
  ctx: Context,
  id: string | undefined,
  rule: string,
  severity: Finding["severity"],
  message: string,
): void {
  ctx.findings.push({ ...(id === undefined ? {} : { step: id }), rule, severity, message });
}

function addUnsafeText(ctx: Context, id: string | undefined, found: readonly UnsafeText[]): void {
  for (const { path, characters } of found)
    add(ctx, id, UNSAFE_TEXT_RULE, "block", unsafeTextMessage(pathText(path), characters));
}

/** A secret reference may not read flyops's, flyctl's or (unless allowed) other tools' credentials (secret-sources.ts). */
function checkSecretSource(
  ctx: Context,
  step: StepView,
  at: readonly string[],
  source: Record<string, unknown>,
): void {
  const fileWhy = typeof source.fromFile === "string" ? sensitivePathReason(source.fromFile) : undefined;
  const refusal: EnvSourceRefusal | undefined =
    typeof source.fromEnv === "string"
      ? envSourceRefusal(source.fromEnv, ctx.policy.allowEnv)
      : fileWhy === undefined
        ? undefined
        : { why: fileWhy };
  if (refusal === undefined) return;
  const { why } = refusal;
  const key = typeof source.fromEnv === "string" ? "fromEnv" : "fromFile";
  const after =
    refusal.hint ??
    (why === NO_TILDE ? undefined : "a plan may not copy flyops's or flyctl's own credentials into an app");
  add(
    ctx,
    step.id,
    "secret-source",
    "block",
    `${pathText([...step.base, "input", ...at, key])}: ${why}${after === undefined ? "" : `; ${after}`}`,
  );
}

/**
 * A value withheld from a request leaves `[REDACTED]` in its place; a model that reads that marker
 * as a name (a secret called REDACTED, read from env REDACTED) would make the plan set something
 * nobody asked for. No input of a step may hold the marker, as a key or a value.
 */
function checkWithheldMarkers(
  ctx: Context,
  id: string | undefined,
  value: unknown,
  path: Array<string | number>,
): void {
  const marked = (text: string) => text.includes(REDACTED) || text === REDACTED.slice(1, -1);
  const report = (at: Array<string | number>) =>
    add(
      ctx,
      id,
      "withheld-marker",
      "block",
      `${pathText(at)}: holds the marker of a withheld value; a withheld value is never a name or a value of a plan`,
    );
  if (typeof value === "string") {
    if (marked(value)) report(path);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => checkWithheldMarkers(ctx, id, item, [...path, index]));
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (marked(key)) report([...path, key]);
      checkWithheldMarkers(ctx, id, item, [...path, key]);
    }
  }
}

function checkCatalogStep(ctx: Context, step: StepView): void {
  const tool = findTool(step.tool);
  const { id, base } = step;
  if (!tool) {
    add(ctx, id, "unknown-tool", "block", `${pathText([...base, "tool"])}: ${unknownToolMessage(step.tool)}`);
    return;
  }
  const secretField = isWriteTool(tool) ? tool.step.secretRefs : undefined;
  addUnsafeText(ctx, id, unsafeInputText(step.input, [...base, "input"], secretField));
  checkWithheldMarkers(ctx, id, step.input, [...base, "input"]);
  const secrets = secretField === undefined ? undefined : step.input[secretField];
  if (secretField !== undefined && isRecord(secrets)) {
    for (const [name, value] of Object.entries(secrets)) {
      if (isRecord(value)) {
        checkSecretSource(ctx, step, [secretField, name], value);
        continue;
      }
      if (typeof value !== "string") continue;
      ctx.redactor.add(value);
      const where = pathText([...base, "input", secretField, name]);
      add(
        ctx,
        id,
        "secret-value",
        "block",
        `${where}: secret values are never written into a plan; use {"fromEnv": "${name}"} or {"fromFile": "PATH"}`,
      );
    }
  }
  const parsed = tool.input.safeParse(step.input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      add(ctx, id, "tool-input", "block", `${tool.name}: ${issueText(issue, [...base, "input"])}`);
    }
  } else if (isWriteTool(tool)) {
    for (const objection of tool.step.judge?.(parsed.data) ?? [])
      add(ctx, id, objection.rule, "block", `${tool.name}: ${objection.why}`);
  }
  if (tool.access === "destructive" && !ctx.policy.allowDestructive) {
    add(
      ctx,
      id,
      "destructive",
      "block",
      `${tool.name} is destructive; it runs only with --allow-destructive`,
    );
  }
}

function checkFlyctlStep(ctx: Context, step: StepView): void {
  const input = FlyctlInput.safeParse(step.input);
  if (!input.success) {
    for (const issue of input.error.issues) {
      add(ctx, step.id, "tool-input", "block", `flyctl: ${issueText(issue, [...step.base, "input"])}`);
    }
    return;
  }
  for (const hit of judgeFlyctl(input.data.args, ctx.policy))
    add(ctx, step.id, hit.rule, hit.severity, hit.message);
}

function checkSteps(ctx: Context, steps: unknown[]): void {
  const seen = new Set<string>();
  steps.forEach((raw, index) => {
    const base = ["steps", index];
    const id = isRecord(raw) && typeof raw.id === "string" ? raw.id : undefined;
    const shape = StepFields.safeParse(raw);
    if (!shape.success) {
      for (const issue of shape.error.issues) add(ctx, id, "schema", "block", issueText(issue, base));
    }
    if (id !== undefined) {
      addUnsafeText(ctx, id, unsafeInputText({ id }, base, undefined));
      if (seen.has(id))
        add(ctx, id, "duplicate-step-id", "block", `${pathText(base)}: step id "${id}" is used twice`);
      seen.add(id);
    }
    // A step with a schema problem elsewhere (say, no reason) is still judged on its tool and input.
    if (!isRecord(raw) || typeof raw.tool !== "string" || !isRecord(raw.input)) return;
    const view: StepView = { id, tool: raw.tool, input: raw.input, base };
    if (view.tool === "flyctl") checkFlyctlStep(ctx, view);
    else checkCatalogStep(ctx, view);
  });
}

function checkPreconditions(ctx: Context, preconditions: unknown[]): void {
  preconditions.forEach((raw, index) => {
    const base = ["preconditions", index];
    const shape = PreconditionFields.safeParse(raw);
    if (!shape.success) {
      for (const issue of shape.error.issues) add(ctx, undefined, "schema", "block", issueText(issue, base));
      return;
    }
    const { tool: name, input, expect } = shape.data;
    addUnsafeText(ctx, undefined, unsafeInputText(input, [...base, "input"], undefined));
    const tool = findTool(name);
    if (!tool || tool.access !== "read") {
      const what = tool ? `${name} is a ${tool.access} tool` : unknownToolMessage(name);
      add(
        ctx,
        undefined,
        "precondition-tool",
        "block",
        `${pathText(base)}: ${what}; preconditions only read`,
      );
      return;
    }
    const parsed = tool.input.safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        add(
          ctx,
          undefined,
          "precondition-input",
          "block",
          `${name}: ${issueText(issue, [...base, "input"])}`,
        );
      }
    }
    if (!Expectation.safeParse(expect).success) {
      add(
        ctx,
        undefined,
        "schema",
        "block",
        `${pathText([...base, "expect"])}: {"exists": true|false} or a partial object`,
      );
    }
  });
}

function checkTokens(ctx: Context, plan: unknown): void {
  const held = ctx.policy.credentials ?? [];
  const steps: unknown[] = isRecord(plan) && Array.isArray(plan.steps) ? plan.steps : [];
  const report = (matches: (text: string) => boolean, rule: string, what: string) => {
    const paths: Array<Array<string | number>> = [];
    tokenPaths(plan, [], paths, matches);
    for (const path of paths) {
      const step = path[0] === "steps" && typeof path[1] === "number" ? steps[path[1]] : undefined;
      const id = isRecord(step) && typeof step.id === "string" ? step.id : undefined;
      add(ctx, id, rule, "block", `${pathText(path) || "plan"}: ${what}; a plan never carries credentials`);
    }
  };
  report(containsToken, "token", "holds a token-shaped string");
  if (held.length > 0)
    report(
      (text) => held.some((credential) => text.includes(credential)),
      "credential",
      "holds a credential flyops holds (a token or an API key)",
    );
}

/** Whether a step is Fly's (a flyctl step, or a catalog tool of Fly's): the catalog says whose a tool is. */
function actsOnFly(step: unknown): boolean {
  const name = isRecord(step) && typeof step.tool === "string" ? step.tool : undefined;
  const tool = name === undefined ? undefined : findTool(name);
  return tool === undefined || providerOf(tool) === "fly";
}

export function validatePlan(plan: unknown, policy: ValidationPolicy): ValidationResult {
  const ctx: Context = { policy, findings: [], redactor: new Redactor(policy.credentials ?? []) };
  const envelope = Envelope.safeParse(plan);
  if (!envelope.success) {
    for (const issue of envelope.error.issues) add(ctx, undefined, "schema", "block", issueText(issue, []));
  }
  if (isRecord(plan)) {
    if (plan.org === undefined && Array.isArray(plan.steps) && plan.steps.some(actsOnFly))
      add(ctx, undefined, "schema", "block", "org: Required (a plan with a Fly step names its organization)");
    addUnsafeText(ctx, undefined, unsafeInputText({ org: plan.org }, [], undefined));
    if (Array.isArray(plan.steps)) checkSteps(ctx, plan.steps);
    if (Array.isArray(plan.preconditions)) checkPreconditions(ctx, plan.preconditions);
  }
  checkTokens(ctx, plan);
  // Messages quote inputs; nothing that looks like a credential, or a literal secret, is echoed,
  // and nothing that would act on a terminal: a message is text for a person (and for the maker's model).
  const findings = ctx.findings.map((finding) => ({
    ...finding,
    message: terminalSafe(ctx.redactor.redact(finding.message)),
  }));
  const parsed = findings.some((finding) => finding.severity === "block")
    ? undefined
    : PlanFile.safeParse(plan);
  return parsed?.success ? { ok: true, findings, plan: parsed.data } : { ok: false, findings };
}
