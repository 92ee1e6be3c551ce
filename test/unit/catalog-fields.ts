import { z } from "zod";

/**
 * Reads a tool's zod input schema the way a hostile caller would: every string field in it, at
 * any depth (optional, in arrays, as record keys), and a valid input built from the schema
 * itself, so a tool added to the catalog later is walked without anyone listing it here.
 * Strings inside unions are secret values or references (`secrets_set`), not ids, and are
 * filled in but not walked.
 */

/** A step into an input: an object key, the first array element, or the key of a record's only entry. */
export type PathStep = { key: string } | { index: 0 } | { recordKey: true };

export interface StringField {
  path: PathStep[];
  /** "machine_id", "names[]", "secrets{}": for test names and messages. */
  label: string;
  /** The object key the field sits under, which picks its sample value. */
  key: string;
  schema: z.ZodTypeAny;
  optional: boolean;
}

/** Valid values by field name, as Fly shapes them; anything else tries GENERIC in order. */
export const SAMPLES: Readonly<Record<string, string>> = {
  app: "my-app",
  org: "acme-corp",
  machine_id: "148ed123a45678",
  from_machine_id: "3d8d9d16f14683",
  volume_id: "vol_9vw681egy1jj5xm4",
  snapshot_id: "vs_7PpMJJ2m7eBMf9O5wlaeQ",
  region: "iad",
  hostname: "www.example.com",
  hostname_contains: "example",
  ip: "2a09:8280:1::1",
  names: "OLD_API_KEY",
  secrets: "DATABASE_URL",
  image: "registry.fly.io/my-app:deployment-01",
  service_name: "web",
  state: "created",
  since: "1h",
  until: "5m",
  next_token: "1796628598551000001",
  email: "kim@example.com",
  cluster_id: "8k3m5q7x1z9w2v4r",
  database: "app_db",
  username: "app_user",
  variable_name: "DATABASE_URL",
  before: "1h",
  exits_since: "24h",
  created_since: "7d",
  created_before: "2026-12-01T00:00:00Z",
  updated_since: "7d",
  updated_before: "1h",
  process_group: "app",
  size: "shared-cpu-2x",
  network: "my-network",
  key: "role",
  value: "primary",
};
const GENERIC = ["data", "web-iad-2", "my-app", "iad", "example", "DATABASE_URL", "x"];

interface Unwrapped {
  schema: z.ZodTypeAny;
  optional: boolean;
}

function unwrap(schema: z.ZodTypeAny): Unwrapped {
  let current = schema;
  let optional = false;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) {
      optional = true;
      current = current.unwrap() as z.ZodTypeAny;
    } else if (current instanceof z.ZodDefault) {
      optional = true;
      current = current.removeDefault() as z.ZodTypeAny;
    } else if (current instanceof z.ZodEffects) {
      current = current.innerType() as z.ZodTypeAny;
    } else return { schema: current, optional };
  }
}

const labelOf = (path: PathStep[]): string =>
  path
    .map((s) => ("key" in s ? `.${s.key}` : "index" in s ? "[]" : "{}"))
    .join("")
    .replace(/^\./, "");

/** Every string field of `schema` outside unions. */
export function stringFields(schema: z.ZodTypeAny): StringField[] {
  const out: StringField[] = [];
  const walk = (node: z.ZodTypeAny, path: PathStep[], key: string, optional: boolean): void => {
    const { schema: inner, optional: here } = unwrap(node);
    const opt = optional || here;
    if (inner instanceof z.ZodString) {
      out.push({ path, label: labelOf(path), key, schema: node, optional: opt });
    } else if (inner instanceof z.ZodObject) {
      for (const [k, child] of Object.entries(inner.shape as Record<string, z.ZodTypeAny>))
        walk(child, [...path, { key: k }], k, opt);
    } else if (inner instanceof z.ZodArray) {
      walk(inner.element as z.ZodTypeAny, [...path, { index: 0 }], key, opt);
    } else if (inner instanceof z.ZodRecord) {
      walk(inner.keySchema as z.ZodTypeAny, [...path, { recordKey: true }], key, opt);
    }
  };
  walk(schema, [], "", false);
  return out;
}

function sampleString(schema: z.ZodTypeAny, key: string): string {
  const preferred = SAMPLES[key];
  const candidates = preferred === undefined ? GENERIC : [preferred, ...GENERIC];
  const found = candidates.find((c) => schema.safeParse(c).success);
  if (found === undefined) throw new Error(`no valid sample for a string field "${key}": add one to SAMPLES`);
  return found;
}

/** A valid value for `schema`: required fields always, optional string fields too when `fill` says so. */
export function sample(schema: z.ZodTypeAny, key = "", fillOptionalStrings = true): unknown {
  const { schema: inner } = unwrap(schema);
  if (inner instanceof z.ZodString) return sampleString(schema, key);
  if (inner instanceof z.ZodNumber) {
    const found = [5, 512, 1024, 1, 0].find((n) => schema.safeParse(n).success);
    if (found === undefined) throw new Error(`no valid sample for a number field "${key}"`);
    return found;
  }
  if (inner instanceof z.ZodBoolean) return true;
  if (inner instanceof z.ZodEnum) return (inner.options as string[])[0];
  if (inner instanceof z.ZodLiteral) return inner.value as unknown;
  if (inner instanceof z.ZodUnion)
    return sample((inner.options as z.ZodTypeAny[])[0]!, key, fillOptionalStrings);
  if (inner instanceof z.ZodArray) return [sample(inner.element as z.ZodTypeAny, key, fillOptionalStrings)];
  if (inner instanceof z.ZodRecord)
    return {
      [sampleString(inner.keySchema as z.ZodTypeAny, key)]: sample(inner.valueSchema as z.ZodTypeAny, key),
    };
  if (inner instanceof z.ZodObject) {
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(inner.shape as Record<string, z.ZodTypeAny>)) {
      const { schema: leaf, optional } = unwrap(child);
      const strings =
        leaf instanceof z.ZodString ||
        (leaf instanceof z.ZodArray && unwrap(leaf.element as z.ZodTypeAny).schema instanceof z.ZodString);
      if (!optional || (fillOptionalStrings && strings)) out[k] = sample(child, k, fillOptionalStrings);
    }
    return out;
  }
  throw new Error(`no sample for a ${inner.constructor.name} field "${key}"`);
}

/** A copy of `input` with the field at `path` set to `value` (a record key is renamed to it). */
export function withField(input: unknown, path: PathStep[], value: string): unknown {
  const [first, ...rest] = path;
  if (first === undefined) return value;
  if ("key" in first) {
    const object = (input ?? {}) as Record<string, unknown>;
    return { ...object, [first.key]: withField(object[first.key], rest, value) };
  }
  if ("index" in first) {
    const array = (input ?? []) as unknown[];
    return [withField(array[0], rest, value), ...array.slice(1)];
  }
  const record = (input ?? {}) as Record<string, unknown>;
  const entry = Object.values(record)[0];
  return { [value]: entry };
}
