import { realpath, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { isAbsolute, join, posix, relative, resolve } from "node:path";

/**
 * Where a secret reference may NOT read from. A plan is data anyone can write (a model, a pull
 * request); a `secrets_set` step that names the operator's own credentials as its source would
 * copy them into an app, where anyone who can deploy that app reads them. So:
 *
 * - `fromEnv` may not name a credential flyops or flyctl runs with: the Fly tokens, the model
 *   providers' keys and tokens, and every `FLYOPS_*` setting (credentialEnvReason).
 * - `fromFile` may not point at Fly's or flyctl's credentials (`~/.fly`, `.docker/config.json`,
 *   which `flyctl auth docker` fills with a Fly token), flyops's config folder, SSH keys, kernel
 *   pseudo-files (/proc, /sys, /dev) or the system's password and host-key files; and a relative
 *   path may not climb out of the folder apply runs in (sensitivePathReason, lexical, for the
 *   validator). At apply time the path is resolved, symlinks followed (`realpath`), checked again
 *   with the real home and config folders of this process, and must be a regular file
 *   (checkSecretFile).
 * - Whatever a reference resolves to is refused if it is, or contains, a credential the process
 *   holds (credentialInValue): the last line of defence if a new credential name or a
 *   symlinked folder slipped past the two checks above.
 *
 * Comparisons are case-insensitive: on macOS and Windows `~/.FLY` is `~/.fly`. Over-refusing on a
 * case-sensitive file system costs a rename; a leak costs the account.
 */

/** Model providers whose keys flyops reads (DESIGN.md, Model); their `*_KEY` / `*_TOKEN` names are credentials. */
const MODEL_PROVIDER_PREFIXES = ["OPENAI_", "ANTHROPIC_"];

/** Why an environment variable may not be a secret's source, or undefined when it may. */
export function credentialEnvReason(name: string): string | undefined {
  const upper = name.trim().toUpperCase();
  if (upper.startsWith("FLYOPS_")) return "FLYOPS_* variables are flyops's own settings and keys";
  if (upper.startsWith("FLY_") && /(TOKEN|KEY|SECRET|PASSWORD)/.test(upper))
    return `${upper} is a Fly credential (the token flyops and flyctl act with)`;
  if (MODEL_PROVIDER_PREFIXES.some((prefix) => upper.startsWith(prefix)) && /(KEY|TOKEN|SECRET)/.test(upper))
    return `${upper} is a model provider's credential`;
  return undefined;
}

/** Folder names that hold credentials wherever they sit (`~/.fly`, `/root/.ssh`, `../u/.ssh`). */
const CREDENTIAL_FOLDERS = new Set([".fly", ".ssh", ".gnupg"]);

/** Absolute prefixes of kernel pseudo-files and system secrets (and macOS's /private/etc twin). */
const SYSTEM_PREFIXES = [
  "/proc",
  "/sys",
  "/dev",
  "/etc/shadow",
  "/etc/shadow-",
  "/etc/gshadow",
  "/etc/gshadow-",
  "/etc/master.passwd",
  "/etc/sudoers",
  "/etc/sudoers.d",
  "/etc/ssh",
  "/private/etc/master.passwd",
  "/private/etc/sudoers",
  "/private/etc/sudoers.d",
  "/private/etc/ssh",
  "/var/run/secrets/kubernetes.io",
  "/run/secrets/kubernetes.io",
];

function isUnder(path: string, folder: string): boolean {
  const rel = relative(folder.toLowerCase(), path.toLowerCase());
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

function segmentReason(segments: readonly string[]): string | undefined {
  const lower = segments.map((segment) => segment.toLowerCase());
  const folder = lower.find((segment) => CREDENTIAL_FOLDERS.has(segment));
  if (folder) return `it is inside a ${folder} folder, which holds credentials`;
  for (let i = 0; i + 1 < lower.length; i += 1) {
    if (lower[i] === ".docker" && lower[i + 1] === "config.json")
      return "it is Docker's credentials file (flyctl auth docker writes a Fly token into it)";
    if (lower[i] === "flyops" && (lower[i - 1] === ".config" || /^config\.ya?ml$/.test(lower[i + 1]!)))
      return "it is in flyops's config folder, which holds the Fly token";
  }
  return undefined;
}

/**
 * Why a `fromFile` path, as written in a plan, may not be read; undefined when it may. Lexical
 * only (no file system, no environment): `~` is not expanded by flyops, but `~/.fly/...` is still
 * refused so that nobody is surprised either way.
 */
export function sensitivePathReason(path: string): string | undefined {
  if (path.includes("\0")) return "it contains a NUL character";
  const normalized = posix.normalize(path.replaceAll("\\", "/"));
  if (!normalized.startsWith("/") && (normalized === ".." || normalized.startsWith("../")))
    return "a relative path may not climb out of the folder flyops apply runs in; write the file's full path";
  const lower = normalized.toLowerCase();
  const system = SYSTEM_PREFIXES.find((prefix) => lower === prefix || lower.startsWith(`${prefix}/`));
  if (system) return `${system} holds kernel or system secrets`;
  return segmentReason(normalized.split("/").filter((segment) => segment !== "" && segment !== "."));
}

export interface SecretFileOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
}

async function realOrSame(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return path;
  }
}

/** The credential folders of this process: its home's, and flyops's config folder and file wherever they are. */
async function credentialPlaces(env: NodeJS.ProcessEnv): Promise<string[]> {
  const home = env.HOME?.trim() || homedir();
  const places = [
    join(home, ".fly"),
    join(home, ".ssh"),
    join(home, ".gnupg"),
    join(home, ".docker", "config.json"),
    join(home, ".config", "flyops"),
  ];
  if (env.XDG_CONFIG_HOME?.trim()) places.push(join(env.XDG_CONFIG_HOME.trim(), "flyops"));
  if (env.FLYOPS_CONFIG?.trim()) places.push(env.FLYOPS_CONFIG.trim());
  if (env.FLY_CONFIG_DIR?.trim()) places.push(env.FLY_CONFIG_DIR.trim());
  const real = await Promise.all(places.map(realOrSame));
  return [...new Set([...places, ...real].map((place) => resolve(place)))];
}

export class SecretSourceRefused extends Error {}

/**
 * The real path of a `fromFile` source, once it is known not to be a credential: resolved against
 * `cwd`, symlinks followed, checked as written and as real against the lexical rules and this
 * process's own credential folders, and required to be a regular file (not a FIFO, a device or
 * /proc's pseudo-files). Read the returned path, not the one written in the plan.
 */
export async function checkSecretFile(path: string, options: SecretFileOptions): Promise<string> {
  const written = resolve(options.cwd, path);
  const real = await realpath(written); // ENOENT and EACCES go to the caller, which names them
  const places = await credentialPlaces(options.env);
  for (const candidate of new Set([written, real])) {
    const why =
      sensitivePathReason(candidate) ??
      (places.some((place) => isUnder(candidate, place))
        ? "it is one of the credential files or folders of the user flyops runs as"
        : undefined);
    if (why) throw new SecretSourceRefused(candidate === written ? why : `it leads to ${real}: ${why}`);
  }
  if (!(await stat(real)).isFile()) throw new SecretSourceRefused("it is not a regular file");
  return real;
}

// Shorter values would match ordinary text; runtime.ts keeps no credential shorter than this either.
const MIN_CREDENTIAL_LENGTH = 8;

/** True when `value` is, or contains, one of `credentials`. */
export function credentialInValue(value: string, credentials: Iterable<string>): boolean {
  for (const credential of credentials) {
    const trimmed = credential.trim();
    if (trimmed.length >= MIN_CREDENTIAL_LENGTH && value.includes(trimmed)) return true;
  }
  return false;
}

/**
 * Every credential in reach of this process: the ones the runtime resolved, plus the value of
 * every variable that credentialEnvReason names (FLYOPS_MODEL_API_KEY and friends included).
 */
export function heldCredentials(env: NodeJS.ProcessEnv, known: Iterable<string> = []): string[] {
  const values = new Set<string>();
  for (const value of known) if (value.trim().length >= MIN_CREDENTIAL_LENGTH) values.add(value.trim());
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.trim().length < MIN_CREDENTIAL_LENGTH) continue;
    if (credentialEnvReason(name) && !/^FLYOPS_(CONFIG|DEBUG|MODEL|MODEL_BASE_URL|TEST_.*)$/i.test(name))
      values.add(value.trim());
  }
  return [...values];
}
