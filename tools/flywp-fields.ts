import { createHash } from "node:crypto";
import { z } from "zod";
import { requireFlyWp, type FlyWpApi } from "../src/flywp/api.js";
import type { ToolContext } from "./define-tool.js";
import { outsideSnapshot, type PreconditionRead } from "./step-knowledge.js";

/**
 * Input fields of FlyWP's tools. FlyWP addresses servers and sites by number in its paths
 * (https://docs-2kj.pages.dev/api/overview: /servers/{id}, /sites/{id}); a whole positive number
 * cannot change which resource a path names.
 */

export const serverId = z
  .number()
  .int()
  .positive()
  .describe('FlyWP server id, a whole number (flywp_servers_list shows them), e.g. "1"');
export const siteId = z
  .number()
  .int()
  .positive()
  .describe('FlyWP site id, a whole number (flywp_sites_list shows them), e.g. "12"');

/** Words the docs do not confirm, said in every tool description whose body they shape. */
export const UNCONFIRMED =
  "FlyWP's public API docs list this endpoint but not its body fields, so fields beyond those named here are passed to FlyWP as given";

// Every private key format in use: PEM ("-----BEGIN OPENSSH PRIVATE KEY-----", RSA, EC, DSA,
// ENCRYPTED) and PuTTY's .ppk.
const PRIVATE_KEY = /PRIVATE KEY|PuTTY-User-Key-File/i;
const PRIVATE_KEY_MESSAGE =
  "this is a private key: never send it anywhere; give the public key, the one line of the .pub file (ssh-ed25519 AAAA… comment)";
// authorized_keys options (sshd(8), AUTHORIZED_KEYS FILE FORMAT) that force a command, widen where
// a key may log in from, set the environment or open forwarding: a key added with one does more
// than let a person log in.
const KEY_OPTIONS =
  /(?:^|[\s,"])(?:command|from|environment|expiry-time|permitopen|permitlisten|principals|tunnel)=/i;

/** An extra value is refused when it carries a private key or an authorized_keys option; its text is never repeated. */
const extraString = z
  .string()
  .max(500)
  .superRefine((value, ctx) => {
    if (PRIVATE_KEY.test(value)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: PRIVATE_KEY_MESSAGE });
    else if (KEY_OPTIONS.test(value))
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message:
          "holds an authorized_keys option (command=, from=, environment=, …) that would make a key force a command or log in from elsewhere; it is never sent",
      });
  });

/**
 * Other body fields of a create whose fields FlyWP's docs do not list: scalars by snake_case name,
 * passed to FlyWP as given (the named fields of the tool win over them).
 */
export const extraFields = z
  .record(
    z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "expected a snake_case field name"),
    z.union([extraString, z.number(), z.boolean()]),
  )
  .optional()
  .describe(
    'Other body fields FlyWP may take, unconfirmed by its docs, sent as given, e.g. {"php_version": "8.3"}',
  );

/** The request body: the extra fields first, then the tool's own, which win. */
export function bodyOf(
  extra: Record<string, string | number | boolean> | undefined,
  own: Record<string, unknown>,
): Record<string, unknown> {
  return { ...extra, ...own };
}

const KEY_TYPES =
  "ssh-ed25519|ssh-rsa|ssh-dss|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ecdsa-sha2-nistp521|sk-ssh-ed25519@openssh\\.com|sk-ecdsa-sha2-nistp256@openssh\\.com";
const PUBLIC_KEY = new RegExp(`^(?:${KEY_TYPES}) [A-Za-z0-9+/]{16,16384}={0,3}(?: [^\\r\\n]{0,200})?$`);

/**
 * A public key line's fingerprint as `ssh-keygen -l` prints it (OpenSSH's default since 6.8):
 * "SHA256:" and the unpadded base64 of the SHA-256 of the key blob.
 */
export function keyFingerprint(line: string): string {
  const blob = Buffer.from(line.trim().split(" ")[1] ?? "", "base64");
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/**
 * The key blob of a public key line starts with its key type as an SSH string: a 4-byte
 * big-endian length, then the name (RFC 4253 section 6.6). It must be the type the line names.
 */
function blobMatchesType(line: string): boolean {
  const [type, blob] = line.split(" ");
  if (type === undefined || blob === undefined) return false;
  const bytes = Buffer.from(blob, "base64");
  if (bytes.length < 4) return false;
  const length = bytes.readUInt32BE(0);
  return length === type.length && bytes.subarray(4, 4 + length).toString("latin1") === type;
}

/**
 * An OpenSSH public key line, as `ssh-keygen` writes it to a .pub file. A private key is refused
 * by its shape before anything else looks at it, and its text is never repeated in the message.
 */
export const publicKey = z
  .string()
  .trim()
  .superRefine((key, ctx) => {
    if (PRIVATE_KEY.test(key))
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: PRIVATE_KEY_MESSAGE,
      });
    else if (!PUBLIC_KEY.test(key) || !blobMatchesType(key))
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: "not an OpenSSH public key: give the one line of the .pub file (ssh-ed25519 AAAA… comment)",
      });
  })
  .describe('An OpenSSH public key line (the .pub file), e.g. "ssh-ed25519 AAAAC3Nza… lee@laptop"');

export function flywp(ctx: ToolContext): FlyWpApi {
  return requireFlyWp(ctx.flywp);
}

/** The server exists: every step on a server stands on it. */
export function serverExists(serverIdValue: number): PreconditionRead {
  return { tool: "flywp_servers_get", input: { server_id: serverIdValue }, expect: { exists: true } };
}

/** A record's name for a person: its name, else its domain, else its id. */
export function labelOf(record: { id: number; name?: string | null; domain?: string | null }): string {
  return record.name ?? record.domain ?? `#${record.id}`;
}

/** A rehearsal copies Fly apps only: a FlyWP step would run against the sandbox's demo account. */
export const FLYWP_NOT_REHEARSABLE = outsideSnapshot("a FlyWP account");
