import type { ReadResourceResult, Resource } from "@modelcontextprotocol/sdk/types.js";
import { planJsonSchemaText } from "../plan/schema/plan-json-schema.js";

/** The JSON Schema of plan files (the committed plans/plan.schema.json, generated from the same zod schema). */
export const PLAN_SCHEMA_RESOURCE: Resource = {
  uri: "flyops://plans/plan.schema.json",
  name: "plan-schema",
  title: "flyops plan file JSON Schema",
  description: "What a plan file may hold: steps naming catalog tools or raw flyctl, preconditions, approval",
  mimeType: "application/schema+json",
};

export function readPlanSchema(): ReadResourceResult {
  return {
    contents: [
      { uri: PLAN_SCHEMA_RESOURCE.uri, mimeType: PLAN_SCHEMA_RESOURCE.mimeType, text: planJsonSchemaText() },
    ],
  };
}
