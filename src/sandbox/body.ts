import type { z } from "zod";
import { badRequest } from "./http-error.js";

/** Parses a request body with `schema`, answering Fly's 400 with the first problem on failure. */
export function readBody<S extends z.ZodTypeAny>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data as z.infer<S>;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  throw badRequest(`invalid request body: ${where}${issue?.message ?? "malformed"}`);
}

/** Reads a boolean query parameter the way Go's strconv.ParseBool does. */
export function queryFlag(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null || value === "") return false;
  if (["1", "t", "T", "true", "TRUE", "True"].includes(value)) return true;
  if (["0", "f", "F", "false", "FALSE", "False"].includes(value)) return false;
  throw badRequest(`invalid ${name} "${value}": expected true or false`);
}

/**
 * A comma-separated query parameter as its trimmed, non-empty items. Only the first occurrence
 * counts unless `repeated`: Fly's list filters read one `state`, its wait reads every one.
 */
export function queryList(query: URLSearchParams, name: string, { repeated = false } = {}): string[] {
  const raw = repeated ? query.getAll(name) : [query.get(name) ?? ""];
  return raw
    .flatMap((value) => value.split(","))
    .map((item) => item.trim())
    .filter(Boolean);
}
