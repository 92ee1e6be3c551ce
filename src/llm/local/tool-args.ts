import type { JsonSchema, ToolSpec } from "../types.js";

/**
 * Shapes a wished-for tool input to the JSON schema the tool offers: unknown or invalid optional
 * fields are dropped (a `sort` the tool does not know is done locally instead), numbers are
 * clamped into range, and a missing or invalid required field makes the call impossible.
 */
export type FitResult = { ok: true; input: Record<string, unknown> } | { ok: false; reason: string };

export function fitInput(spec: ToolSpec, wanted: Record<string, unknown>): FitResult {
  const schema = objectSchema(spec.parameters);
  if (!schema) return { ok: true, input: stripUndefined(wanted) };
  return fitObject(schema, wanted, spec.name);
}

function fitObject(schema: JsonSchema, wanted: Record<string, unknown>, where: string): FitResult {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const closed = schema.additionalProperties === false || Object.keys(properties).length > 0;
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wanted)) {
    if (value === undefined) continue;
    const property = properties[key];
    if (!property) {
      if (!closed) input[key] = value;
      continue;
    }
    const fitted = fitValue(property, value, `${where}.${key}`);
    if (fitted.ok) input[key] = fitted.value;
    else if (required.includes(key)) return { ok: false, reason: fitted.reason };
  }
  const missing = required.filter((key) => !(key in input));
  if (missing.length > 0) return { ok: false, reason: `${where} needs ${missing.join(", ")}` };
  return { ok: true, input };
}

type ValueFit = { ok: true; value: unknown } | { ok: false; reason: string };

function fitValue(schema: JsonSchema, value: unknown, where: string): ValueFit {
  const variants = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(variants)) {
    for (const variant of variants) {
      const fitted = fitValue(variant, value, where);
      if (fitted.ok) return fitted;
    }
    return { ok: false, reason: `${where} does not match any allowed form` };
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    return {
      ok: false,
      reason: `${where} must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`,
    };
  }
  if (schema.const !== undefined && schema.const !== value)
    return { ok: false, reason: `${where} must be ${JSON.stringify(schema.const)}` };
  const types = Array.isArray(schema.type)
    ? (schema.type as string[])
    : typeof schema.type === "string"
      ? [schema.type]
      : [];
  if (types.length === 0) return { ok: true, value };
  if (typeof value === "number" && (types.includes("number") || types.includes("integer"))) {
    if (types.includes("integer") && !types.includes("number") && !Number.isInteger(value)) {
      return { ok: false, reason: `${where} must be a whole number` };
    }
    const min = typeof schema.minimum === "number" ? schema.minimum : -Infinity;
    const max = typeof schema.maximum === "number" ? schema.maximum : Infinity;
    return { ok: true, value: Math.min(max, Math.max(min, value)) };
  }
  if (typeof value === "string" && types.includes("string")) return { ok: true, value };
  if (typeof value === "boolean" && types.includes("boolean")) return { ok: true, value };
  if (types.includes("array")) return fitArray(schema, Array.isArray(value) ? value : [value], where);
  if (typeof value === "object" && value !== null && !Array.isArray(value) && types.includes("object")) {
    const fitted = fitObject(schema, value as Record<string, unknown>, where);
    return fitted.ok ? { ok: true, value: fitted.input } : fitted;
  }
  return { ok: false, reason: `${where} has the wrong type` };
}

/** A single value where the tool takes a list ("stopped" for ["stopped"]) is wrapped; every item must fit. */
function fitArray(schema: JsonSchema, values: unknown[], where: string): ValueFit {
  const items = schema.items as JsonSchema | undefined;
  const out: unknown[] = [];
  for (const value of values) {
    const fitted =
      items && typeof items === "object" && !Array.isArray(items)
        ? fitValue(items, value, `${where}[]`)
        : { ok: true as const, value };
    if (!fitted.ok) return fitted;
    out.push(fitted.value);
  }
  if (typeof schema.minItems === "number" && out.length < schema.minItems)
    return { ok: false, reason: `${where} needs at least ${schema.minItems} items` };
  return { ok: true, value: out };
}

/** The object schema of a tool's parameters, looking through a $ref-free wrapper if there is one. */
function objectSchema(parameters: JsonSchema): JsonSchema | undefined {
  if (parameters.type === "object" || typeof parameters.properties === "object") return parameters;
  return undefined;
}

/** The allowed values of an enum field of the tool, if it is one. */
export function enumValues(spec: ToolSpec, field: string): unknown[] | undefined {
  const schema = objectSchema(spec.parameters);
  const property = ((schema?.properties ?? {}) as Record<string, JsonSchema>)[field];
  return Array.isArray(property?.enum) ? property.enum : undefined;
}

function stripUndefined(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}
