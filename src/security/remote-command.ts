import {
  CODE_ONLY,
  ENV_PRINTERS,
  INTERACTIVE,
  INTERACTIVE_ARGS,
  INTERPRETERS,
  SHELLS,
  WRAPPERS,
  programName,
} from "./remote-programs.js";

/**
 * A command that will run inside a machine of the app (`ssh console -C`, `machine exec`, the
 * command and `--entrypoint` of `machine run|create|update`, `machine clone --override-cmd`) is
 * allowed only in one shape: a single simple program with plain arguments. Allowed by shape, not
 * refused by name: a word may hold only ASCII letters, digits and `_ @ % + = : , . / -`, so no
 * shell can find an operator, quote, escape, glob, expansion or redirection in it, whatever runs
 * it (hallpass, the Machines API's exec, or an image's ENTRYPOINT that happens to be `sh -c`).
 * On top of that shape, a few things a plain word can still do are refused: shells, interpreters
 * given code, programs that run other programs or wait for a person, and any mention of the
 * environment, /proc or /.fly (where the app's secrets and key material live).
 */

export interface RemoteCommand {
  /** What the reviewer reads it as: "the remote command", "--entrypoint", "the machine's command". */
  readonly source: string;
  readonly words: readonly string[];
  /** Indices of the words that run as programs: the first, and the first after an entrypoint. */
  readonly programs: readonly number[];
}

export interface CommandProblem {
  /** "flyctl-env-dump" when it would print or read the environment; otherwise the shape is wrong. */
  readonly rule: "flyctl-env-dump" | "flyctl-remote-command";
  readonly why: string;
}

const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;
const PLAIN_PROGRAM = /^[A-Za-z0-9_+./-]+$/;
const PROC = /(?:^|[/=:,@])proc(?:\/|$)/i;
const FLY_DIR = /(?:^|[/=:,@])\.fly(?:\/|$)/i;
const ENV_WORDS = ["environ", "printenv", "getenv", "envsubst"];
// `..` can climb out through a symlink (`/dev/fd/..` is /proc/self), and `/` or `.` (a session
// may start in `/`) lets a recursive reader such as `grep -r` walk into /proc.
const CLIMBS = /(?:^|[/=:,@])\.\.(?:\/|$)/;
const ROOT_OR_HERE = /(?:^|[=:,@])[./]+$/;

/** What is wrong with the characters of a word, by kind (never the word's value). */
const CHAR_KINDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/['"]/, "quotes"],
  [/\\/, "a backslash escape"],
  [/[$`]/, "a variable or command expansion"],
  [/[;&|]/, "a command separator or pipe"],
  [/[<>]/, "a redirection"],
  [/[*?[\]{}]/, "a glob or brace pattern"],
  [/[()]/, "a subshell or grouping"],
  [/[~#!^]/, "a character a shell expands or treats specially"],
  [/[^\x21-\x7e]/, "whitespace or a non-ASCII character"],
];

/** `ssh console -C` and `machine exec` take one string: words are what single spaces separate. */
export function splitCommandLine(command: string): string[] {
  return command.split(" ").filter((word) => word !== "");
}

/** A word for a message: a NAME=VALUE shows its name only; long words are cut. */
function shown(word: string): string {
  const eq = word.indexOf("=");
  const text = eq > 0 ? `${word.slice(0, eq)}=…` : word;
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

function charProblems(word: string): string[] {
  return CHAR_KINDS.filter(([pattern]) => pattern.test(word)).map(([, kind]) => kind);
}

function mentionsEnvironment(word: string): string | undefined {
  const lower = word.toLowerCase();
  if (lower.includes("$")) return "expands a variable";
  if (lower.split(/[^a-z0-9]/).includes("env") || ENV_WORDS.some((w) => lower.includes(w)))
    return "mentions the environment";
  if (PROC.test(word)) return "reads /proc, where every process's environment can be read";
  if (FLY_DIR.test(word)) return "reads /.fly, where the machine keeps its key material";
  return undefined;
}

function programProblem(words: readonly string[], at: number): CommandProblem | undefined {
  const word = words[at]!;
  const name = programName(word);
  const fail = (why: string): CommandProblem => ({ rule: "flyctl-remote-command", why });
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word))
    return fail(`it starts with ${shown(word)}, which sets a variable for the command it runs`);
  if (word.startsWith("-") || !PLAIN_PROGRAM.test(word))
    return fail(`its program ${shown(word)} is not a plain program name or path`);
  if (ENV_PRINTERS.has(name))
    return { rule: "flyctl-env-dump", why: `it runs ${name}, which prints the environment or variables` };
  if (SHELLS.has(name)) return fail(`it runs a shell (${name}), which runs any code given to it`);
  if (WRAPPERS.has(name)) return fail(`it runs ${name}, which runs another program; name that program`);
  if (CODE_ONLY.has(name)) return fail(`it runs ${name}, whose argument is a program in its own language`);
  if (INTERACTIVE.has(name)) return fail(`it runs ${name}, which waits for a person at a terminal`);
  if (INTERPRETERS.has(name)) {
    const next = words[at + 1];
    if (next === undefined) return fail(`it runs ${name} with no script, which opens a prompt`);
    if (next.startsWith("-"))
      return fail(`it gives ${name} an option before its script, which can pass it code (-c, -e, -m, -)`);
  }
  return undefined;
}

function wordProblems(word: string, isProgram: boolean): CommandProblem[] {
  const problems: CommandProblem[] = [];
  const fail = (why: string): number => problems.push({ rule: "flyctl-remote-command", why });
  const env = mentionsEnvironment(word);
  if (env) problems.push({ rule: "flyctl-env-dump", why: `${shown(word)} ${env}` });
  if (!PLAIN_WORD.test(word)) {
    const kinds = charProblems(word);
    fail(`${shown(word)} holds ${kinds.length > 0 ? kinds.join(", ") : "a character outside the plain set"}`);
  }
  if (CLIMBS.test(word) || ROOT_OR_HERE.test(word))
    fail(
      `${shown(word)} names the root, the current folder or a parent (..), from which /proc can be reached`,
    );
  if (isProgram) return problems;
  const name = programName(word);
  if (SHELLS.has(name) || INTERPRETERS.has(name) || CODE_ONLY.has(name))
    fail(`it names ${name} as an argument, so the program may run it; run it directly, with a script`);
  if (INTERACTIVE_ARGS.has(word.toLowerCase()))
    fail(`${shown(word)} opens a prompt or runs code given inline`);
  return problems;
}

/** Why the command may not run in a machine; empty when it has the allowed shape. */
export function screenCommand(command: RemoteCommand): CommandProblem[] {
  const problems: CommandProblem[] = [];
  if (command.words.length === 0)
    return [{ rule: "flyctl-remote-command", why: `${command.source} is empty` }];
  for (const [index, word] of command.words.entries()) {
    const isProgram = command.programs.includes(index);
    problems.push(...wordProblems(word, isProgram));
    const program = isProgram ? programProblem(command.words, index) : undefined;
    if (program) problems.push(program);
  }
  return problems.map((p) => ({ ...p, why: `${command.source}: ${p.why}` }));
}
