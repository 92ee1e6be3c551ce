import { chmod, mkdir, readFile, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { z } from "zod";
import type { Logger } from "../logger.js";
import type { Redactor } from "../security/redact.js";

/**
 * Conversation history, one file per org filter: `flyio_<org>` in $XDG_STATE_HOME/flyops
 * (default ~/.local/state/flyops). With no org filter the file is `flyio__all`: an underscore never
 * appears in a Fly org slug, so it cannot collide with a real org's file. Files are 0600 in a 0700
 * directory, replaced atomically, redacted before writing, and bounded in exchanges and bytes.
 */

/** Exchanges kept; older ones are dropped first. */
export const MAX_EXCHANGES = 10;
/** Bytes the file may hold; older exchanges are dropped until it fits. */
export const MAX_HISTORY_BYTES = 64 * 1024;
/** A question or answer longer than this is stored shortened, so a single exchange cannot evict all others. */
export const MAX_STORED_TEXT_CHARS = 16 * 1024;

export const ALL_ORGS_KEY = "_all";

const exchangeSchema = z.object({
  question: z.string(),
  answer: z.string(),
  model: z.string().optional(),
  at: z.string().optional(),
  /** What the answer took: tokens as the provider reported them, the estimated cost when priced. */
  usage: z
    .object({
      inputTokens: z.number(),
      cachedInputTokens: z.number(),
      cacheWriteTokens: z.number(),
      outputTokens: z.number(),
    })
    .optional(),
  costUsd: z.number().optional(),
});
const fileSchema = z.object({ version: z.literal(1), org: z.string(), exchanges: z.array(exchangeSchema) });

export type Exchange = z.infer<typeof exchangeSchema>;

export type Env = Readonly<Record<string, string | undefined>>;

export function historyDir(env: Env): string {
  const state = env.XDG_STATE_HOME?.trim() || join(env.HOME?.trim() || homedir(), ".local", "state");
  return join(state, "flyops");
}

/** The history file of an org filter (undefined: every org). */
export function historyFile(org: string | undefined, env: Env): string {
  return join(historyDir(env), `flyio_${fileKey(org)}`);
}

function fileKey(org: string | undefined): string {
  const slug = org?.trim();
  if (!slug) return ALL_ORGS_KEY;
  // Slugs are [a-z0-9-]; anything else is replaced so that no org name can point outside the directory.
  return slug.replace(/[^A-Za-z0-9-]/g, "-");
}

/** The stored exchanges, oldest first. A missing file is an empty history; an unreadable one is too, with a warning. */
export async function loadHistory(file: string, log?: Logger): Promise<Exchange[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  try {
    return fileSchema.parse(JSON.parse(text)).exchanges;
  } catch {
    log?.warn(`ignoring unreadable conversation history in ${file}; the next question starts a new one`);
    return [];
  }
}

export interface SaveOptions {
  org: string | undefined;
  redactor: Redactor;
}

/** Appends one exchange and rewrites the file atomically, redacted and within bounds. */
export async function appendExchange(
  file: string,
  earlier: readonly Exchange[],
  exchange: Exchange,
  { org, redactor }: SaveOptions,
): Promise<Exchange[]> {
  const redacted = [...earlier, exchange].map((e) => ({
    ...e,
    question: shorten(redactor.redact(e.question)),
    answer: shorten(redactor.redact(e.answer)),
  }));
  const kept = bounded(redacted, org);
  await writeHistory(file, serialise(kept, org));
  return kept;
}

/** Removes the history file; says whether there was one. */
export async function clearHistory(file: string): Promise<boolean> {
  try {
    await rm(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

function bounded(exchanges: Exchange[], org: string | undefined): Exchange[] {
  let kept = exchanges.slice(-MAX_EXCHANGES);
  while (kept.length > 1 && Buffer.byteLength(serialise(kept, org)) > MAX_HISTORY_BYTES) kept = kept.slice(1);
  return kept;
}

function shorten(text: string): string {
  if (text.length <= MAX_STORED_TEXT_CHARS) return text;
  return `${text.slice(0, MAX_STORED_TEXT_CHARS)}\n[shortened in history]`;
}

function serialise(exchanges: Exchange[], org: string | undefined): string {
  const content: z.infer<typeof fileSchema> = { version: 1, org: org ?? ALL_ORGS_KEY, exchanges };
  return `${JSON.stringify(content, null, 2)}\n`;
}

async function writeHistory(file: string, text: string): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir leaves an existing directory's mode alone; history holds questions about the fleet.
  await chmod(dir, 0o700);
  await writeFileAtomic(file, text, { mode: 0o600 });
}
