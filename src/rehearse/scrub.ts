import { createHash } from "node:crypto";
import { machineId, snapshotId, volumeId } from "../../tools/id-fields.js";
import { redactLogLine } from "../security/log-lines.js";
import { REDACTED, Redactor } from "../security/redact.js";
import { looksSecret, secretSoundingName } from "../security/withhold-secrets.js";
import type { MachineConfig, MachineRecord, SandboxState } from "../sandbox/types.js";

/**
 * A copy of live state holds no token and no secret value: a machine's config carries what its
 * owner put there (`DATABASE_URL=postgres://app:pw@…` in env, a token in metadata, a credentials
 * file's contents in files[].raw_value), and the copy is written to a file and loaded into a
 * sandbox. So:
 * - every string and every object key of the state passes the redactor (token shapes and every
 *   credential this process holds, heldCredentials) and the secret-value judgement `ask` and the
 *   log lines use (log-lines.ts: URLs with passwords, token shapes, NAME=VALUE with a secret name);
 * - inside a machine's config, a string that looks secret by itself (a token's shape, a long
 *   random-looking string) is withheld whole, unless it has the shape of a Fly id (a mount's
 *   volume) or is the id of a release the copy holds (metadata's fly_release_id); an env value is withheld when its name sounds secret;
 * - files[].raw_value is never copied: the guest path stays, with the sha256 of the contents, so a
 *   change is still seen.
 */

/** Fly ids a config names (mounts[].volume, a snapshot to restore): their shape is no secret. */
function flyIdShaped(value: string): boolean {
  return [machineId, volumeId, snapshotId].some((shape) => shape.safeParse(value).success);
}

/** Ids the copy holds anyway as records of their own (metadata's fly_release_id names a release). */
function idsOfRecords(state: SandboxState): Set<string> {
  return new Set((state.releases ?? []).map((r) => r.id));
}

class Scrubber {
  redacted = 0;
  readonly #redactor: Redactor;
  readonly #ids: Set<string>;

  constructor(credentials: readonly string[], ids: Set<string>) {
    this.#redactor = new Redactor(credentials);
    this.#ids = ids;
  }

  text(value: string): string {
    const clean = redactLogLine(this.#redactor.redact(value));
    if (clean !== value) this.redacted += 1;
    return clean;
  }

  /** A string of a machine's config: also withheld whole when it looks secret on its own. */
  configText(value: string): string {
    const clean = this.text(value);
    if (clean === value && !flyIdShaped(value) && !this.#ids.has(value) && looksSecret(value)) {
      this.redacted += 1;
      return REDACTED;
    }
    return clean;
  }

  /** Keys are scrubbed too; two keys that redact alike stay apart. */
  key(key: string, taken: Set<string>): string {
    let clean = this.text(key);
    for (let n = 2; taken.has(clean); n += 1) clean = `${this.text(key)}-${n}`;
    taken.add(clean);
    return clean;
  }

  any(value: unknown, config: boolean): unknown {
    if (typeof value === "string") return config ? this.configText(value) : this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.any(item, config));
    if (value === null || typeof value !== "object") return value;
    const taken = new Set<string>();
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const name = this.key(key, taken);
      if (!config) out[name] = this.any(item, false);
      else if (key === "env" && isObject(item)) out[name] = this.env(item);
      else if (key === "files" && Array.isArray(item)) out[name] = item.map((f) => this.file(f));
      else out[name] = this.any(item, true);
    }
    return out;
  }

  /** An env map: a value under a secret-sounding name is withheld whatever it looks like. */
  env(env: Record<string, unknown>): Record<string, unknown> {
    const taken = new Set<string>();
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(env)) {
      const name = this.key(key, taken);
      if (typeof value === "string" && value !== "" && secretSoundingName(key)) {
        this.redacted += 1;
        out[name] = REDACTED;
      } else out[name] = this.any(value, true);
    }
    return out;
  }

  /** A file written into the machine: its path and a digest of its contents, never the contents. */
  file(file: unknown): unknown {
    if (!isObject(file)) return this.any(file, true);
    const { raw_value: raw, ...rest } = file;
    const kept = this.any(rest, true) as Record<string, unknown>;
    if (typeof raw !== "string") return kept;
    return { ...kept, raw_value_sha256: createHash("sha256").update(raw).digest("hex") };
  }

  machine(m: MachineRecord): MachineRecord {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(m)) {
      if (key === "config") out[key] = this.any(value, true);
      else if (key === "versions" && Array.isArray(value))
        out[key] = value.map((v: { version: string; config: MachineConfig }) => ({
          version: this.text(v.version),
          config: this.any(v.config, true),
        }));
      else out[key] = this.any(value, false);
    }
    return out as unknown as MachineRecord;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The state with every token and secret-looking value withheld, and how many were. */
export function withoutTokens(
  state: SandboxState,
  credentials: readonly string[],
): { state: SandboxState; redacted: number } {
  const scrubber = new Scrubber(credentials, idsOfRecords(state));
  const clean = Object.fromEntries(
    Object.entries(state).map(([key, value]) => [
      key,
      key === "machines" ? state.machines.map((m) => scrubber.machine(m)) : scrubber.any(value, false),
    ]),
  ) as unknown as SandboxState;
  return { state: clean, redacted: scrubber.redacted };
}
