import { zodToJsonSchema } from "zod-to-json-schema";
import { PlanFile } from "./schema.js";

/** Where the JSON Schema of plan files is committed, relative to the package root. */
export const PLAN_SCHEMA_PATH = "plans/plan.schema.json";

/**
 * The JSON Schema of plan files, generated from the zod schema so the two cannot drift apart
 * (a test compares it with the committed file). Editors and CI can check plans with it.
 */
export function planJsonSchema(): Record<string, unknown> {
  const schema = zodToJsonSchema(PlanFile, {
    target: "jsonSchema7",
    $refStrategy: "none",
    effectStrategy: "input",
  }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    title: "flyops plan file, version 1",
    ...schema,
  };
}

export function planJsonSchemaText(): string {
  return `${JSON.stringify(planJsonSchema(), null, 2)}\n`;
}
