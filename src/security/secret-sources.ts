import { constants, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type * as Yaml from "yaml";
import { open, readdir, realpath, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { isAbsolute, join, posix, relative, resolve } from "node:path";
import { ALLOW_ENV_KEY, otherToolOf } from "./other-credentials.js";

/**
 * Where a secret reference may NOT read from. A plan is data anyone can write (a model, a pull
 * request); a `secrets_set` step that names the operator's own credentials as its source would
 * copy them into an app, where anyone who can deploy that app reads them. So:
 *
 * - `fromEnv` may not name a credential flyops or flyctl runs with: the Fly tokens, the model
 *   providers' keys and tokens, and every `FLYOPS_*` setting (credentialEnvReason); nor, unless the
 *   config file lists it under `secrets.allow_env`, a credential variable of another tool (AWS,
 *   Google Cloud, Azure, GitHub, npm, Docker: other-credentials.ts). Both are envSourceRefusal.
 * - `fromFile` may not point at Fly's or flyctl's credentials (`~/.fly`, `.docker/config.json`,
 *   which `flyctl auth docker` fills with a Fly token), flyops's config folder, SSH and GnuPG keys,
 *   the common credential stores (`.netrc`, `.aws`, `.kube`, `.config/gcloud`, `.npmrc`,
 *   `.git-credentials`), kernel pseudo-files (/proc, /sys, /dev) or the system's password and
 *   host-key files; a relative path may not climb out of the folder apply runs in; and `~` is
 *   refused because flyops does not expand it (sensitivePathReason, lexical, for the validator).
 *   At apply time the path is resolved, symlinks followed (`realpath`) and checked again with the
 *   real home and config folders of this process; then the file is opened once, and the open
 *   descriptor must be a regular file that is not one of those credential files under another
 *   name (same device and inode: a hard link, or a path swapped after the check). The value is
 *   read from that same descriptor (readSecretFile).
 * - Whatever a reference resolves to is refused if it is, or contains, a credential the process
 *   holds (credentialInValue, heldCredentials): the last line of defence if a new credential name
 *   or place slipped past the checks above.
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
  if (upper.startsWith("FLYWP_") && /(TOKEN|KEY|SECRET|PASSWORD)/.test(upper))
    return `${upper} is a FlyWP credential (the token flyops acts with on FlyWP)`;
  if (MODEL_PROVIDER_PREFIXES.some((prefix) => upper.startsWith(prefix)) && /(KEY|TOKEN|SECRET)/.test(upper))
    return `${upper} is a model provider's credential`;
  return undefined;
}

export interface EnvSourceRefusal {
  why: string;
  /** Set when the config file can allow the variable: how. */
  hint?: string;
}

/**
 * Why `{ "fromEnv": name }` may not be read, or undefined when it may. flyops's and flyctl's own
 * credentials never; another tool's credential variable only when `allowEnv` (the config file's
 * secrets.allow_env) names it.
 */
export function envSourceRefusal(
  name: string,
  allowEnv: readonly string[] = [],
): EnvSourceRefusal | undefined {
  const own = credentialEnvReason(name);
  if (own) return { why: own };
  const tool = otherToolOf(name);
  const upper = name.trim().toUpperCase();
  if (tool === undefined || allowEnv.some((allowed) => allowed.trim().toUpperCase() === upper))
    return undefined;
  return {
    why: `${upper} is a credential variable of ${tool}; flyops does not copy another tool's credentials into an app unless told to`,
    hint: `if this app is meant to get it, list ${upper} under ${ALLOW_ENV_KEY} in the flyops config file`,
  };
}

/** Folder names that hold credentials wherever they sit (`~/.fly`, `/root/.ssh`, `../u/.ssh`). */
const CREDENTIAL_FOLDERS = new Set([".fly", ".ssh", ".gnupg", ".aws", ".kube"]);

/** File names that are credential stores wherever they sit. */
const CREDENTIAL_STORE_FILES = new Set([".netrc", "_netrc", ".npmrc", ".git-credentials"]);

const STORE_NOTE = "flyops refuses credential stores as secret sources";

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
  if (folder) return `it is inside a ${folder} folder, which holds credentials; ${STORE_NOTE}`;
  const file = lower.find((segment) => CREDENTIAL_STORE_FILES.has(segment));
  if (file) return `it is a ${file} file, a credential store; ${STORE_NOTE}`;
  for (let i = 0; i + 1 < lower.length; i += 1) {
    if (lower[i] === ".docker" && lower[i + 1] === "config.json")
      return `it is Docker's credentials file (flyctl auth docker writes a Fly token into it); ${STORE_NOTE}`;
    if (lower[i] === ".config" && lower[i + 1] === "gcloud")
      return `it is inside Google Cloud's credentials folder; ${STORE_NOTE}`;
    if (lower[i] === "flyops" && (lower[i - 1] === ".config" || /^config\.ya?ml$/.test(lower[i + 1]!)))
      return "it is in flyops's config folder, which holds the Fly token";
  }
  return undefined;
}

/** Why a path that starts with `~` is refused: not a credential, a path that can never be read. */
export const NO_TILDE = "flyops does not expand ~; write the full path";

/**
 * Why a `fromFile` path, as written in a plan, may not be read; undefined when it may. Lexical
 * only (no file system, no environment). flyops does not expand `~`, so a path that starts with
 * it would always fail at apply: it is refused here, with the credential reason when it has one.
 */
export function sensitivePathReason(path: string): string | undefined {
  if (path.includes("\0")) return "it contains a NUL character";
  const normalized = posix.normalize(path.replaceAll("\\", "/"));
  if (!normalized.startsWith("/") && (normalized === ".." || normalized.startsWith("../")))
    return "a relative path may not climb out of the folder flyops apply runs in; write the file's full path";
  const lower = normalized.toLowerCase();
  const system = SYSTEM_PREFIXES.find((prefix) => lower === prefix || lower.startsWith(`${prefix}/`));
  if (system) return `${system} holds kernel or system secrets`;
  const why = segmentReason(normalized.split("/").filter((segment) => segment !== "" && segment !== "."));
  if (why) return why;
  if (normalized.startsWith("~")) return NO_TILDE;
  return undefined;
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

function homeOf(env: NodeJS.ProcessEnv): string {
  return env.HOME?.trim() || homedir();
}

/** The credential files and folders of this process: its home's stores, and flyops's config wherever it is. */
async function credentialPlaces(env: NodeJS.ProcessEnv): Promise<string[]> {
  const home = homeOf(env);
  const places = [
    join(home, ".fly"),
    join(home, ".ssh"),
    join(home, ".gnupg"),
    join(home, ".docker", "config.json"),
    join(home, ".config", "flyops"),
    join(home, ".netrc"),
    join(home, ".aws"),
    join(home, ".kube"),
    join(home, ".config", "gcloud"),
    join(home, ".npmrc"),
    join(home, ".git-credentials"),
  ];
  if (env.XDG_CONFIG_HOME?.trim()) places.push(join(env.XDG_CONFIG_HOME.trim(), "flyops"));
  if (env.FLYOPS_CONFIG?.trim()) places.push(env.FLYOPS_CONFIG.trim());
  if (env.FLY_CONFIG_DIR?.trim()) places.push(env.FLY_CONFIG_DIR.trim());
  if (env.DOCKER_CONFIG?.trim()) places.push(join(env.DOCKER_CONFIG.trim(), "config.json"));
  const real = await Promise.all(places.map(realOrSame));
  return [...new Set([...places, ...real].map((place) => resolve(place)))];
}

// A credential folder with more files than this (gcloud's logs) is compared by its first ones only.
const MAX_FILES_PER_PLACE = 2000;

function fileId(info: { dev: number; ino: number }): string {
  return `${info.dev}:${info.ino}`;
}

/** (device, inode) of every credential file: a hard link or a renamed path cannot hide it. */
async function credentialFileIds(places: readonly string[]): Promise<Set<string>> {
  const ids = new Set<string>();
  const add = async (path: string): Promise<boolean> => {
    try {
      const info = await stat(path);
      if (info.isFile()) ids.add(fileId(info));
      return info.isDirectory();
    } catch {
      return false; // absent or unreadable: nothing there to copy
    }
  };
  for (const place of places) {
    if (!(await add(place))) continue;
    const names = await readdir(place, { recursive: true }).catch(() => [] as string[]);
    for (const name of names.slice(0, MAX_FILES_PER_PLACE)) await add(join(place, name));
  }
  return ids;
}

export class SecretSourceRefused extends Error {}

// O_NONBLOCK: opening a FIFO must not hang apply (fstat then refuses it). O_NOFOLLOW: the checked
// real path must not have become a symlink since (0 where the platform lacks it).
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

/**
 * The contents of a `fromFile` source, once it is known not to be a credential: resolved against
 * `cwd`, symlinks followed, checked as written and as real against the lexical rules and this
 * process's own credential places; then opened once, and the open descriptor must be a regular
 * file (not a FIFO, a device or /proc's pseudo-files) and not one of the credential files by
 * (device, inode). It is read from that same descriptor, so nothing swapped in after the checks
 * is read. File system errors (ENOENT, EACCES) go to the caller, which names them.
 */
export async function readSecretFile(path: string, options: SecretFileOptions): Promise<string> {
  const written = resolve(options.cwd, path);
  const real = await realpath(written);
  const places = await credentialPlaces(options.env);
  for (const candidate of new Set([written, real])) {
    const why =
      sensitivePathReason(candidate) ??
      (places.some((place) => isUnder(candidate, place))
        ? "it is one of the credential files or folders of the user flyops runs as"
        : undefined);
    if (why) throw new SecretSourceRefused(candidate === written ? why : `it leads to ${real}: ${why}`);
  }
  const handle = await open(real, OPEN_FLAGS);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new SecretSourceRefused("it is not a regular file");
    if ((await credentialFileIds(places)).has(fileId(info)))
      throw new SecretSourceRefused(
        "it is one of the credential files of the user flyops runs as, under another name (a hard link)",
      );
    return await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
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

/** flyctl's own token (`access_token` in `~/.fly/config.yml`), when that file exists and parses. */
function flyctlToken(env: NodeJS.ProcessEnv): string | undefined {
  const folder = env.FLY_CONFIG_DIR?.trim() || join(homeOf(env), ".fly");
  try {
    const text = readFileSync(join(folder, "config.yml"), "utf8");
    // Loaded only when the file exists: every command's first output line calls this, --version included.
    const yaml = createRequire(import.meta.url)("yaml") as typeof Yaml;
    const config: unknown = yaml.parse(text);
    if (typeof config !== "object" || config === null) return undefined;
    const token = (config as Record<string, unknown>).access_token;
    return typeof token === "string" ? token : undefined;
  } catch {
    return undefined; // absent, unreadable or not YAML: flyctl holds no token there either
  }
}

/**
 * Every credential in reach of this process: the ones the runtime resolved, flyctl's token in
 * `~/.fly/config.yml`, and the value of every variable that credentialEnvReason names
 * (FLYOPS_MODEL_API_KEY and friends included).
 */
export function heldCredentials(env: NodeJS.ProcessEnv, known: Iterable<string> = []): string[] {
  const values = new Set<string>();
  for (const value of [...known, flyctlToken(env) ?? ""])
    if (value.trim().length >= MIN_CREDENTIAL_LENGTH) values.add(value.trim());
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.trim().length < MIN_CREDENTIAL_LENGTH) continue;
    if (credentialEnvReason(name) && !/^FLYOPS_(CONFIG|DEBUG|MODEL|MODEL_BASE_URL|TEST_.*)$/i.test(name))
      values.add(value.trim());
  }
  return [...values];
}
