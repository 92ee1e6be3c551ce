import { createHash } from "node:crypto";

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` members dropped
 * (as JSON.stringify does). Two plans that differ only in formatting or key order hash the same,
 * so an approval survives a reformat by an editor but not a change of meaning.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`canonicalJson: ${typeof value} has no JSON form`);
    return text;
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? "null" : canonicalJson(item))).join(",")}]`;
  }
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${members.join(",")}}`;
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** A shallow copy of the plan without its `approval`. */
export function withoutApproval(plan: object): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...plan };
  delete rest.approval;
  return rest;
}

/** The digest an approval covers: the canonical JSON of the whole plan except its `approval`. */
export function planDigest(plan: object): string {
  return sha256Hex(canonicalJson(withoutApproval(plan)));
}
