import { Redactor } from "../security/redact.js";
import { RedactingStream } from "../security/redact-stream.js";
import { heldCredentials } from "../security/secret-sources.js";
import { terminalSafe } from "../security/terminal-safe.js";
import type { Logger } from "../logger.js";

/** Where a command writes; tests pass collectors, the CLI passes process streams. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** An Io whose every write is redacted; `flush` releases what it still holds back. */
export interface GuardedIo extends Io {
  flush(): void;
}

const guarded = new WeakMap<Io, Redactor>();

/**
 * The way out of a command: everything written through it is redacted with `redactor`, as a
 * stream (a credential split between two writes is still caught, redact-stream.ts). An Io that is
 * already guarded by the same redactor is returned as it is. Call `flush` when done, and before
 * asking a person anything.
 */
export function guardIo(io: Io, redactor: Redactor): GuardedIo {
  if (guarded.get(io) === redactor && "flush" in io) return io as GuardedIo;
  const stdout = new RedactingStream(redactor, io.stdout);
  const stderr = new RedactingStream(redactor, io.stderr);
  const result: GuardedIo = {
    stdout: (text) => stdout.write(text),
    stderr: (text) => stderr.write(text),
    flush: () => {
      stdout.end();
      stderr.end();
    },
  };
  guarded.set(result, redactor);
  return result;
}

let processOutput: { redactor: Redactor; io: GuardedIo } | undefined;

/**
 * The redactor of everything this process prints: it starts with every credential in reach
 * (heldCredentials: Fly tokens, model keys, FLYOPS_* values, flyctl's own token), and commands add
 * what they learn (the config file's token, secret values resolved at apply).
 */
export function outputRedactor(): Redactor {
  return processStreams().redactor;
}

function processStreams(): { redactor: Redactor; io: GuardedIo } {
  if (!processOutput) {
    const redactor = new Redactor(heldCredentials(process.env));
    // Redacted first, then made terminal-safe: the last gate before the terminal shows control,
    // escape, bidi and invisible characters escaped (newlines and tabs kept). Renderers escape
    // single fields on their own as well ("line" mode), so that a value cannot forge a line;
    // escaping twice changes nothing. JSON arrives already escaped by `jsonText` and passes unchanged.
    const raw: Io = {
      stdout: (text) => process.stdout.write(terminalSafe(text, "lines")),
      stderr: (text) => process.stderr.write(terminalSafe(text, "lines")),
    };
    processOutput = { redactor, io: guardIo(raw, redactor) };
    guarded.set(processIo, redactor);
  }
  return processOutput;
}

/** The process's stdout and stderr, guarded by outputRedactor(): the one exit of the CLI. */
export const processIo: GuardedIo = {
  stdout: (text) => processStreams().io.stdout(text),
  stderr: (text) => processStreams().io.stderr(text),
  flush: () => processOutput?.io.flush(),
};

/**
 * Pretty-printed JSON for `--json` output, ending in a newline. Characters JSON.stringify leaves
 * raw but a terminal would act on or hide (C1, bidi, format characters) become `\uXXXX` escapes,
 * which every JSON reader decodes to the same string: the output stays JSON and means the same.
 */
export function jsonText(value: unknown): string {
  return `${terminalSafe(JSON.stringify(value ?? null, null, 2), "json")}\n`;
}

/**
 * Warnings always, details with FLYOPS_DEBUG; every line redacted with the credentials the process
 * holds, and one line each: a newline inside a message is shown escaped.
 */
export function stderrLogger(io: Io, redactor: Redactor, debug: boolean): Logger {
  const line = (text: string): void => io.stderr(`${terminalSafe(redactor.redact(text))}\n`);
  return {
    debug: (message) => {
      if (debug) line(message);
    },
    info: (message) => {
      if (debug) line(message);
    },
    warn: (message) => line(`warning: ${message}`),
  };
}
