/**
 * Commands run inside a machine (`ssh console -C "…"`, `machine exec ID "…"`) are arbitrary and
 * already need --allow-destructive. On top of that, one that prints the machine's environment
 * is refused outright: the environment holds the app's secrets. This is a screen for the obvious
 * forms, not a shell parser; anything that gets past it still needed the destructive policy.
 */

const SEPARATORS = /[\s;|&()`'"<>]+/;
const PRINTS_ALL = new Set(["printenv", "export", "declare", "typeset", "compgen", "set"]);

/** A word's command name, without a path: `/usr/bin/env` is `env`. */
function commandName(word: string): string {
  return word.slice(word.lastIndexOf("/") + 1);
}

function isOptionOrAssignment(word: string): boolean {
  return word.startsWith("-") || /^[A-Za-z_][A-Za-z0-9_]*=/.test(word);
}

/**
 * Whether a word holds `/proc/` and, after it, `/environ`. Searched per word from the first
 * `/proc/`, not as `\/proc\/\S*\/environ`, which re-reads the rest of a word at every `/proc/` in it.
 */
function readsProcEnviron(command: string): boolean {
  return command.split(/\s/).some((word) => {
    const proc = word.indexOf("/proc/");
    return proc >= 0 && word.includes("/environ", proc + "/proc/".length);
  });
}

/** Why this remote command would print environment variables, or undefined. */
export function environmentDump(command: string): string | undefined {
  if (readsProcEnviron(command)) return "it reads a process's environment from /proc";
  if (/\$(\{|[A-Za-z_])/.test(command)) return "it expands an environment variable";
  const words = command.split(SEPARATORS).filter(Boolean);
  for (const [i, word] of words.entries()) {
    const name = commandName(word);
    if (name === "printenv") return "it runs printenv";
    if (name === "env" && words.slice(i + 1).every(isOptionOrAssignment))
      return "it runs env without a command";
    // `set -e` only sets options; a bare `set`, `export` or `declare` lists every variable.
    if (PRINTS_ALL.has(name)) {
      const next = words[i + 1];
      if (next === undefined || next === "-p" || (name !== "set" && next.startsWith("-")))
        return `it runs ${name}, which lists variables`;
    }
  }
  return undefined;
}
