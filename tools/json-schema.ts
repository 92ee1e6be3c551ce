import type { z } from "zod";
import { zodToJsonSchema } from "zod-to-json-schema";
import type { AnyTool } from "./define-tool.js";

/** JSON schema of a tool's input, generated from its zod schema. */
export type JsonSchema = Record<string, unknown>;

/** What a model is offered of a tool: its name, what it does, and its input's JSON schema. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: JsonSchema;
}

/**
 * The JSON schema a model sees for a tool's input: plain JSON Schema (draft 7 subset) with
 * every definition inlined, no `$schema` key, always an object with `properties` — the shape
 * that both OpenAI function parameters and Anthropic `input_schema` accept.
 */
export function toolJsonSchema(tool: AnyTool): JsonSchema {
  const generated = zodToJsonSchema(tool.input as z.ZodType<unknown>, {
    target: "jsonSchema7",
    $refStrategy: "none",
    effectStrategy: "input",
  }) as Record<string, unknown>;
  const schema = { ...generated };
  delete schema.$schema;
  if (schema.type !== "object") {
    throw new Error(`tool ${tool.name}: input must be a zod object, got ${JSON.stringify(schema.type)}`);
  }
  return { ...schema, properties: schema.properties ?? {} };
}

export function toolSpec(tool: AnyTool): ToolSpec {
  return { name: tool.name, description: tool.description, parameters: toolJsonSchema(tool) };
}
