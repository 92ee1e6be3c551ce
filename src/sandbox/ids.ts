import { createHash } from "node:crypto";

/**
 * Ids that look like Fly's, derived from a label by hashing: the same label always gives the
 * same id, so seeds are identical on every start and generated ids follow from the operations.
 */

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";

function digest(label: string): Buffer {
  return createHash("sha256").update(label).digest();
}

function encode(bytes: Buffer, alphabet: string, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[(bytes[i % bytes.length] ?? 0) % alphabet.length];
  return out;
}

/** A machine id: 14 lowercase hex digits, like "e2865013c45e86". */
export function machineIdFor(label: string): string {
  return digest(label).toString("hex").slice(0, 14);
}

/** A machine version (instance_id) or event id: 26 characters of a ULID. */
export function ulidFor(label: string): string {
  return `01J${encode(digest(label), CROCKFORD, 23)}`;
}

export function volumeIdFor(label: string): string {
  return `vol_${encode(digest(label), LOWER_ALNUM, 16)}`;
}

export function snapshotIdFor(label: string): string {
  return `vs_${encode(digest(label), LOWER_ALNUM, 16)}`;
}

/** An organization or user node id, as GraphQL shows them. */
export function nodeIdFor(label: string): string {
  return encode(digest(label), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 24);
}

/** A 6PN private address: fdaa:0:<org>:a7b:<host>:<machine>:<n>:2. */
export function privateIpFor(label: string): string {
  const hex = digest(label).toString("hex");
  return `fdaa:0:${hex.slice(0, 4)}:a7b:${hex.slice(4, 8)}:${hex.slice(8, 12)}:${hex.slice(12, 16)}:2`;
}

export function hexDigestOf(value: string, length = 16): string {
  return createHash("sha256").update(value).digest("hex").slice(0, length);
}

/** Fly's timestamp format: RFC 3339 in UTC without fractional seconds, so strings sort by time. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
