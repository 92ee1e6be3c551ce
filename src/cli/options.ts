import { Option, type Command } from "commander";
import type { z } from "zod";
import { UsageError } from "../errors.js";

/**
 * One anatomy for every command's options: each flag is declared once as data (how commander
 * reads it, its help, the option key it fills), added to a command with `addFlags`, and checked
 * with the command's zod schema through `parseOptions`. A command that takes another command's
 * flags (`ask --maker` takes plan's, `ask --apply` takes apply's) adds that command's own list.
 */
export interface FlagSpec {
  /** Commander's spelling, e.g. "-o, --output <file>" or "--secrets-via <how>". */
  flags: string;
  /** The option key commander fills, e.g. "secretsVia". */
  key: string;
  help: string;
  choices?: readonly string[];
}

/** Adds the flags, each help line starting with `prefix` (e.g. "with --apply: "). */
export function addFlags(command: Command, specs: readonly FlagSpec[], prefix = ""): Command {
  for (const spec of specs) {
    const option = new Option(spec.flags, `${prefix}${spec.help}`);
    if (spec.choices) option.choices(spec.choices);
    command.addOption(option);
  }
  return command;
}

/** "--secrets-via", as a person types it. */
export function flagName(spec: FlagSpec): string {
  return spec.flags.split(/[ ,]+/).find((part) => part.startsWith("--")) ?? spec.flags;
}

/**
 * The options commander parsed, checked by the command's schema; a problem is a usage error
 * (exit 2) naming the flag, unless the schema's own message already does.
 */
export function parseOptions<S extends z.ZodTypeAny>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data as z.output<S>;
  const problems = parsed.error.issues.map((issue) => {
    const key = issue.path[0];
    if (key === undefined || /(^|\s)-/.test(issue.message)) return issue.message;
    return `invalid --${String(key).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue.message}`;
  });
  throw new UsageError(problems.join("; "));
}

/** Only the options these flags fill, as given (undefined ones left out). */
export function pickFlags(raw: Record<string, unknown>, specs: readonly FlagSpec[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const spec of specs) if (raw[spec.key] !== undefined) picked[spec.key] = raw[spec.key];
  return picked;
}

/** `--allow-destructive` and its seed-product spelling `--destroyer`, shared by plan, approve, check and apply. */
export const DESTRUCTIVE_FLAGS: readonly FlagSpec[] = [
  {
    flags: "--allow-destructive",
    key: "allowDestructive",
    help: "allow steps that destroy, release or remove",
  },
  { flags: "--destroyer", key: "destroyer", help: "alias of --allow-destructive" },
];
