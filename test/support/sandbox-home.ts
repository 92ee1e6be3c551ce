import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { startSandbox, type Sandbox, type SandboxOptions } from "../../src/sandbox/index.js";
import { runCli, type CliResult } from "./cli.js";

/** "test": fresh for every test (beforeEach/afterEach); "file": one for the suite it is called in (beforeAll/afterAll). */
export type Lifetime = "test" | "file";

export interface SandboxHomeOptions {
  /** Name prefix of the temp home, e.g. "flyops-apply-". */
  prefix: string;
  /** What `startSandbox` is given; false starts none, and `env()` then carries no Fly settings. */
  sandbox: SandboxOptions | false;
  /** One lifetime for both (default "test"), or `{ sandbox, home }` to set each apart. */
  per?: Lifetime | { sandbox: Lifetime; home: Lifetime };
}

export interface SandboxHome {
  /** The running sandbox; throws outside a test or hook, or when none was asked for. */
  readonly sandbox: Sandbox;
  /** The temp home: HOME, the cwd of `cli`, and the parent of the XDG config and state folders. */
  readonly dir: string;
  /** The whole child environment: the sandbox's FLY_* settings, HOME and XDG folders under `dir`, then `extra`. */
  env: (extra?: Record<string, string>) => Record<string, string>;
  /** Runs the built CLI in `dir` with `env(extra)`. */
  cli: (args: string[], extra?: Record<string, string>) => Promise<CliResult>;
  /** Closes the sandbox and starts another with these options; teardown closes it like the first. */
  restartSandbox(options: SandboxOptions): Promise<Sandbox>;
}

function register(per: Lifetime, setUp: () => Promise<void> | void, tearDown: () => Promise<void> | void) {
  if (per === "test") {
    beforeEach(setUp);
    afterEach(tearDown);
  } else {
    beforeAll(setUp);
    afterAll(tearDown);
  }
}

/**
 * Registers the hooks that give tests a sandbox (unless `sandbox: false`) and a fresh temp home,
 * and returns accessors for them. Call it at the top of a test file, or in a describe.
 */
export function sandboxHome(options: SandboxHomeOptions): SandboxHome {
  const per = options.per ?? "test";
  const lifetime = typeof per === "string" ? { sandbox: per, home: per } : per;
  let dir: string | undefined;
  let sandbox: Sandbox | undefined;

  register(
    lifetime.home,
    () => {
      dir = mkdtempSync(join(tmpdir(), options.prefix));
    },
    () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    },
  );
  const sandboxOptions = options.sandbox;
  if (sandboxOptions) {
    register(
      lifetime.sandbox,
      async () => {
        sandbox = await startSandbox(sandboxOptions);
      },
      async () => {
        await sandbox?.close();
        sandbox = undefined;
      },
    );
  }

  const home = (): string => {
    if (!dir) throw new Error("sandboxHome: the temp home exists only inside a test or hook");
    return dir;
  };
  const running = (): Sandbox => {
    if (!sandboxOptions) throw new Error(`sandboxHome(${options.prefix}): started with sandbox: false`);
    if (!sandbox) throw new Error("sandboxHome: the sandbox runs only inside a test or hook");
    return sandbox;
  };
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    ...(sandboxOptions ? running().env : {}),
    HOME: home(),
    XDG_CONFIG_HOME: join(home(), "config"),
    XDG_STATE_HOME: join(home(), "state"),
    ...extra,
  });

  return {
    get sandbox() {
      return running();
    },
    get dir() {
      return home();
    },
    env,
    cli: (args, extra) => runCli(args, { env: env(extra), cwd: home() }),
    async restartSandbox(next) {
      await running().close();
      sandbox = undefined;
      sandbox = await startSandbox(next);
      return sandbox;
    },
  };
}
