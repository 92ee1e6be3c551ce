import { FLYCTL_ROOT } from "./commands.js";
import { scanMasks } from "./scan-masks.js";
import {
  HELP_FLAG,
  PERSISTENT_FLAGS,
  type Blocked,
  type CommandSpec,
  type FlagSpec,
  type RunSpec,
} from "./spec.js";

/**
 * Parses a flyctl argument list the way flyctl does: cobra finds the command (its Find, with
 * stripFlags and argsMinusFirstX), then pflag parses the rest against that command's flags plus
 * the root's persistent ones. Flags and positionals interleave freely; `--` ends the flags; a
 * value flag takes the next word whatever it looks like; short booleans group (`-yf`).
 * The result names the canonical command path and long-form flags that the rules judge.
 */

export interface Arg {
  readonly text: string;
  /** Position in the original argument list. */
  readonly index: number;
}

/** A secret inside the original arguments: `args[index].slice(start)` is never echoed. */
export interface Mask {
  readonly index: number;
  readonly start: number;
}

export interface FlagUse {
  readonly flag: FlagSpec;
  /** The name it was given under: the flag's own name or one of its aliases (a shorthand counts as its owner's). */
  readonly via: string;
  /** "true"/"false" for booleans. */
  readonly value: string;
  /** Where the value was written, when it was written (not for `--yes` alone). */
  readonly at: Mask | undefined;
}

export interface ParsedFlyctl {
  /** Canonical command path, e.g. ["apps", "destroy"] for `destroy x`; as far as it resolved. */
  readonly path: readonly string[];
  /** The resolved command; undefined when the words name no flyctl command. */
  readonly spec: (CommandSpec & { run: RunSpec }) | undefined;
  /** Refused whatever the flags: a subtree flyops does not model. */
  readonly opaque: Blocked | undefined;
  readonly uses: readonly FlagUse[];
  readonly positionals: readonly Arg[];
  /** Why cobra or pflag would refuse the line (unknown command or flag, missing value, arg count). */
  readonly errors: readonly string[];
  readonly unknownCommand: boolean;
  readonly masks: readonly Mask[];
}

interface FlagLookup {
  long: Map<string, FlagSpec>;
  short: Map<string, FlagSpec>;
}

/**
 * The flags cobra knows on `node`. --help exists only on the command being executed: while cobra
 * looks for subcommands, `-h` is an unknown flag like any other (and takes the next word).
 */
function lookupFor(node: CommandSpec, executing = false): FlagLookup {
  const long = new Map<string, FlagSpec>();
  const short = new Map<string, FlagSpec>();
  // Local flags shadow inherited ones of the same name, as cobra's flag merge does.
  for (const flag of [...(node.flags ?? []), ...PERSISTENT_FLAGS, ...(executing ? [HELP_FLAG] : [])]) {
    if (long.has(flag.name)) continue;
    long.set(flag.name, flag);
    for (const alias of flag.aliases ?? []) long.set(alias, flag);
    if (flag.short && !short.has(flag.short)) short.set(flag.short, flag);
    if (flag.aliasShort && !short.has(flag.aliasShort)) short.set(flag.aliasShort, flag);
  }
  return { long, short };
}

function takesNoValue(flag: FlagSpec | undefined): boolean {
  return flag !== undefined && (flag.kind === "bool" || flag.optionalValue !== undefined);
}

/** cobra's test for "this word is a flag whose value is the next word" (unknown flags count as such). */
function consumesNext(word: string, flags: FlagLookup): boolean {
  if (word.includes("=")) return false;
  if (word.startsWith("--")) return !takesNoValue(flags.long.get(word.slice(2)));
  return word.startsWith("-") && word.length === 2 && !takesNoValue(flags.short.get(word.slice(1)));
}

/** cobra's stripFlags: the words that may name subcommands. */
function stripFlags(args: readonly Arg[], flags: FlagLookup): string[] {
  const words: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const word = args[i]!.text;
    if (word === "--") break;
    if (consumesNext(word, flags)) i += 1;
    else if (word !== "" && !word.startsWith("-")) words.push(word);
  }
  return words;
}

/** cobra's argsMinusFirstX: drops the first `x` that is not a flag's value. */
function argsMinusFirst(args: readonly Arg[], x: string, flags: FlagLookup): Arg[] {
  for (let i = 0; i < args.length; i += 1) {
    const word = args[i]!.text;
    if (word === "--") break;
    if (consumesNext(word, flags)) i += 1;
    else if (!word.startsWith("-") && word === x) return [...args.slice(0, i), ...args.slice(i + 1)];
  }
  return [...args];
}

function findChild(node: CommandSpec, word: string): CommandSpec | undefined {
  return node.commands?.find((child) => child.name === word || (child.aliases ?? []).includes(word));
}

const BOOL_VALUES = new Map([
  ...["1", "t", "T", "true", "TRUE", "True"].map((v) => [v, "true"] as const),
  ...["0", "f", "F", "false", "FALSE", "False"].map((v) => [v, "false"] as const),
]);

interface FlagParse {
  uses: FlagUse[];
  positionals: Arg[];
  errors: string[];
  masks: Mask[];
}

/** pflag's parse of the words left after the command path. */
function parseFlags(args: readonly Arg[], flags: FlagLookup): FlagParse {
  const out: FlagParse = { uses: [], positionals: [], errors: [], masks: [] };
  const set = (flag: FlagSpec, via: string, raw: string, mask: Mask | undefined): void => {
    if (flag.sensitive && mask) out.masks.push(mask);
    if (flag.kind === "bool") {
      const value = BOOL_VALUES.get(raw);
      if (value === undefined)
        out.errors.push(`invalid value ${JSON.stringify(raw)} for boolean flag --${via}`);
      else out.uses.push({ flag, via, value, at: mask });
    } else {
      out.uses.push({ flag, via, value: raw, at: mask });
    }
  };
  let i = 0;
  while (i < args.length) {
    const arg = args[i++]!;
    const word = arg.text;
    if (word === "--") {
      out.positionals.push(...args.slice(i));
      break;
    }
    if (word.length < 2 || !word.startsWith("-")) {
      out.positionals.push(arg);
      continue;
    }
    if (word.startsWith("--")) {
      const eq = word.indexOf("=");
      const name = eq < 0 ? word.slice(2) : word.slice(2, eq);
      const flag = flags.long.get(name);
      if (name === "" || name.startsWith("-") || name.startsWith("="))
        out.errors.push(`bad flag syntax: ${word}`);
      else if (!flag) out.errors.push(`unknown flag: --${name}`);
      else if (eq >= 0) set(flag, name, word.slice(eq + 1), { index: arg.index, start: eq + 1 });
      else if (takesNoValue(flag)) set(flag, name, flag.optionalValue ?? "true", undefined);
      else if (i < args.length) set(flag, name, args[i]!.text, { index: args[i++]!.index, start: 0 });
      else out.errors.push(`flag needs an argument: --${name}`);
      continue;
    }
    let shorts = word.slice(1);
    while (shorts.length > 0) {
      const c = shorts[0]!;
      const flag = flags.short.get(c);
      const offset = word.length - shorts.length;
      if (!flag) {
        out.errors.push(`unknown shorthand flag: '${c}' in ${word}`);
        break;
      }
      // flyctl's UseAliasShortHand gives the shorthand to the first alias, a flag of its own.
      const via = flag.short === c ? flag.name : (flag.aliases?.[0] ?? flag.name);
      if (shorts.length > 2 && shorts[1] === "=") {
        set(flag, via, shorts.slice(2), { index: arg.index, start: offset + 2 });
        shorts = "";
      } else if (takesNoValue(flag)) {
        set(flag, via, flag.optionalValue ?? "true", undefined);
        shorts = shorts.slice(1);
      } else if (shorts.length > 1) {
        set(flag, via, shorts.slice(1), { index: arg.index, start: offset + 1 });
        shorts = "";
      } else if (i < args.length) {
        set(flag, via, args[i]!.text, { index: args[i++]!.index, start: 0 });
        shorts = "";
      } else {
        out.errors.push(`flag needs an argument: '${c}' in ${word}`);
        shorts = "";
      }
    }
  }
  return out;
}

function countError(run: RunSpec, count: number): string | undefined {
  const [min, max] = run.args ?? [0];
  if (max === 0 && count > 0) return `accepts no arguments, received ${count}`;
  if (max !== undefined && min === max && count !== min) return `accepts ${min} arg(s), received ${count}`;
  if (count < min) return `requires at least ${min} arg(s), only received ${count}`;
  if (max !== undefined && count > max) return `accepts at most ${max} arg(s), received ${count}`;
  return undefined;
}

export function parseFlyctl(argv: readonly string[]): ParsedFlyctl {
  let rest: Arg[] = argv.map((text, index) => ({ text, index }));
  let node = FLYCTL_ROOT;
  const path: string[] = [];
  while (!node.opaque) {
    const flags = lookupFor(node);
    const word = stripFlags(rest, flags)[0];
    const child = word === undefined ? undefined : findChild(node, word);
    if (word === undefined || !child) break;
    rest = argsMinusFirst(rest, word, flags);
    node = child;
    path.push(child.name);
  }
  const none = { spec: undefined, uses: [], positionals: [], unknownCommand: false, opaque: undefined };
  if (path.length === 0 && stripFlags(rest, lookupFor(node)).length === 0) {
    return {
      ...none,
      path,
      unknownCommand: true,
      errors: ["no flyctl command given"],
      masks: scanMasks(rest),
    };
  }
  if (node.opaque) return { ...none, path, opaque: node.opaque, errors: [], masks: scanMasks(rest) };
  const { run } = node;
  if (!run) {
    const stray = stripFlags(rest, lookupFor(node))[0];
    const what = [...path, stray].filter(Boolean).join(" ");
    let error = `unknown command \`${what}\``;
    if (!node.commands?.length) error = `\`flyctl ${path.join(" ")}\` is deprecated and does nothing`;
    else if (stray === undefined) error = `\`flyctl ${what}\` is a group of commands, not a command`;
    return { ...none, path, unknownCommand: true, errors: [error], masks: scanMasks(rest) };
  }
  const parsed = parseFlags(rest, lookupFor(node, true));
  const countProblem = countError(run, parsed.positionals.length);
  return {
    path: run.canonical ?? path,
    spec: { ...node, run },
    opaque: undefined,
    uses: parsed.uses,
    positionals: parsed.positionals,
    errors: countProblem ? [...parsed.errors, countProblem] : parsed.errors,
    unknownCommand: false,
    masks: parsed.masks,
  };
}

/**
 * The value flyctl acts on, or undefined. An alias is a hidden flag of its own, and flyctl's
 * ApplyAliases (internal/cmdutil/preparers/preparers.go) settles them before the command runs:
 * the flag's own name wins when it was given at all; otherwise the first alias in declaration
 * order that was given. Within one name pflag keeps the last value. So `--yes=false --auto-confirm`
 * does not confirm, while `--auto-confirm=false --auto-confirm` does.
 */
export function flagValue(parsed: ParsedFlyctl, name: string): string | undefined {
  const uses = parsed.uses.filter((use) => use.flag.name === name);
  const flag = uses[0]?.flag;
  if (!flag) return undefined;
  for (const via of [flag.name, ...(flag.aliases ?? [])]) {
    const given = uses.findLast((use) => use.via === via);
    if (given) return given.value;
  }
  return undefined;
}

/**
 * Every value written for a repeatable flag, in order, under any of its names: what the line
 * carries, for checks that must see all of it (a value flyctl would ignore is still in the plan).
 */
export function flagValues(parsed: ParsedFlyctl, name: string): string[] {
  return parsed.uses.filter((use) => use.flag.name === name).map((use) => use.value);
}

export function flagIsTrue(parsed: ParsedFlyctl, name: string): boolean {
  return flagValue(parsed, name) === "true";
}
