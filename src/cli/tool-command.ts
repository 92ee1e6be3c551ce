import confirmPrompt from "@inquirer/confirm";
import { invokeTool, parseToolInput } from "../../tools/invoke.js";
import type { AnyTool } from "../../tools/define-tool.js";
import type { ApplyIo } from "../plan/apply/types.js";
import type { Redactor } from "../security/redact.js";
import { terminalSafe } from "../security/terminal-safe.js";
import { ConfigError, RefusedError, UsageError } from "../errors.js";
import { guardIo, outputRedactor, processIo, stderrLogger, type GuardedIo, type Io } from "./output.js";
import { interruptSignal } from "./interrupt.js";
import { printResult } from "./view-table.js";
import { createRuntime, type Runtime, type RuntimeFlags, type RuntimeOptions } from "./runtime.js";

/**
 * What a static command needs from the outside world, so tests can run it in-process with a
 * fake terminal, a scripted confirmation and a sandbox runtime.
 */
export interface CommandDeps {
  io: Io;
  /** The one redactor of the command's output (guardIo); credentials the command learns are added to it. */
  redactor: Redactor;
  env: NodeJS.ProcessEnv;
  cwd?: string;
  stdinIsTTY: boolean;
  confirm: (message: string) => Promise<boolean>;
  createRuntime: (options: RuntimeOptions) => Promise<Runtime>;
  signal?: AbortSignal;
  /** Passed to the applier: told at each step's start and end (apply only). */
  onStep?: ApplyIo["onStep"];
}

export function defaultDeps(): CommandDeps {
  const redactor = outputRedactor();
  return {
    io: processIo,
    redactor,
    env: process.env,
    stdinIsTTY: process.stdin.isTTY === true,
    confirm: async (message) => {
      // What was written so far comes first; the question is printed by the prompt, so redacted here.
      processIo.flush();
      try {
        // The prompt library writes the question itself, past the Io gate: redacted and escaped here.
        return await confirmPrompt({ message: terminalSafe(redactor.redact(message)), default: false });
      } catch {
        // Ctrl-C or a closed terminal is a "no".
        return false;
      }
    },
    createRuntime,
    signal: interruptSignal,
  };
}

/** How a command uses its runtime: --verbose shows debug lines too. */
export interface RuntimeUse {
  verbose?: boolean;
}

/**
 * The one way a command gets a runtime (config, clients, ToolContext): built, handed to `work`,
 * always closed. `work` writes through an Io that redacts tokens and every credential the process
 * holds (a full API result printed with --json can carry a token someone left in a machine's
 * env); call its `flush` before asking a person anything, so what was written comes first.
 */
export async function withRuntime<T>(
  flags: RuntimeFlags,
  deps: CommandDeps,
  work: (runtime: Runtime, io: GuardedIo) => Promise<T>,
  use: RuntimeUse = {},
): Promise<T> {
  const io = guardIo(deps.io, deps.redactor);
  try {
    const runtime = await openRuntime(flags, deps, io, use);
    try {
      return await work(runtime, io);
    } finally {
      await runtime.close();
    }
  } finally {
    io.flush();
  }
}

/**
 * As withRuntime, for a command that can do its job without Fly (`plan show` reviews a plan
 * offline): a configuration problem, such as no token, gives `work` no runtime and says why.
 */
export async function withOptionalRuntime<T>(
  flags: RuntimeFlags,
  deps: CommandDeps,
  work: (runtime: Runtime | undefined, io: GuardedIo, unavailable: string | undefined) => Promise<T>,
): Promise<T> {
  const io = guardIo(deps.io, deps.redactor);
  try {
    let runtime: Runtime | undefined;
    let unavailable: string | undefined;
    try {
      runtime = await openRuntime(flags, deps, io, {});
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      unavailable = error.message;
    }
    try {
      return await work(runtime, io, unavailable);
    } finally {
      await runtime?.close();
    }
  } finally {
    io.flush();
  }
}

async function openRuntime(
  flags: RuntimeFlags,
  deps: CommandDeps,
  io: Io,
  use: RuntimeUse,
): Promise<Runtime> {
  const { redactor } = deps;
  const runtime = await deps.createRuntime({
    app: flags.app,
    org: flags.org,
    sandbox: flags.sandbox,
    readOnly: flags.readOnly,
    env: deps.env,
    cwd: deps.cwd,
    log: stderrLogger(io, redactor, Boolean(use.verbose) || Boolean(deps.env.FLYOPS_DEBUG)),
    signal: deps.signal,
  });
  for (const credential of runtime.credentials) redactor.add(credential);
  return runtime;
}

/** Runs one catalog tool and prints its view as a table, or its full result with --json. */
export async function runAndPrint(
  runtime: Runtime,
  tool: AnyTool,
  input: unknown,
  json: boolean,
  io: Io,
): Promise<unknown> {
  const result = await invokeTool(runtime.ctx, tool, input);
  printResult(io, json, result, json ? undefined : tool.view(result, parseToolInput(tool, input)));
  return result;
}

/** The app a command acts on: --app, then FLY_APP, then ./fly.toml, as the runtime resolved it. */
export function requireApp(runtime: Runtime, what: string): string {
  const app = runtime.ctx.app;
  if (app) return app;
  throw new UsageError(`${what} needs an app, and none was given`, {
    hint: "pass --app NAME, set FLY_APP, or run from a directory whose fly.toml names the app",
  });
}

/**
 * Destructive tools need a person's yes. With no terminal to ask on, only --yes counts: the
 * answer is no, before anything is sent to Fly.
 */
export function refuseWithoutTerminal(tool: AnyTool, yes: boolean, deps: CommandDeps, what: string): void {
  if (tool.access !== "destructive" || yes || deps.stdinIsTTY) return;
  throw new RefusedError(`refusing to ${what} without confirmation: stdin is not a terminal`, {
    hint: "pass --yes to confirm",
  });
}

export async function confirmDestructive(
  tool: AnyTool,
  yes: boolean,
  deps: CommandDeps,
  what: string,
): Promise<void> {
  if (tool.access !== "destructive" || yes) return;
  refuseWithoutTerminal(tool, yes, deps, what);
  if (!(await deps.confirm(`${capitalize(what)}? This cannot be undone.`))) {
    throw new RefusedError(`did not ${what}: not confirmed`, {
      hint: "answer yes at the prompt, or pass --yes",
    });
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
