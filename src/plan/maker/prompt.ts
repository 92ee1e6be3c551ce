import { toolsByAccess } from "../../../tools/index.js";
import { toolJsonSchema } from "../../../tools/json-schema.js";

/**
 * The step tools as the maker's system prompt lists them. The model is offered only read tools
 * and propose_plan as callable tools, so the write tools it may put into steps are described here:
 * name, risk, what it does, and its input fields.
 */

interface Schema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
}

function typeText(schema: Schema): string {
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.anyOf) return schema.anyOf.map(typeText).join(" | ");
  if (schema.properties) {
    const required = new Set(schema.required ?? []);
    const fields = Object.entries(schema.properties).map(
      ([name, field]) => `${name}${required.has(name) ? "" : "?"}: ${typeText(field)}`,
    );
    return `{ ${fields.join(", ")} }`;
  }
  if (schema.type === "array" && schema.items) return `${typeText(schema.items)}[]`;
  return Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type ?? "any");
}

export function stepToolsText(): string {
  return toolsByAccess("write", "destructive")
    .map((tool) => {
      const schema = toolJsonSchema(tool) as Schema;
      const required = new Set(schema.required ?? []);
      const fields = Object.entries(schema.properties ?? {}).map(
        ([name, field]) =>
          `    - ${name}${required.has(name) ? "" : " (optional)"}: ${typeText(field)}${field.description ? ` — ${field.description}` : ""}`,
      );
      return [`- ${tool.name} [${tool.access}]: ${tool.description}`, ...fields].join("\n");
    })
    .join("\n");
}
