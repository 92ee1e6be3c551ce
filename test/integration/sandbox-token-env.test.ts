import { describe, expect, it } from "vitest";
import {
  SANDBOX_TOKEN_ENV,
  runSandbox,
  sandboxCommand,
  type SandboxCliFlags,
} from "../../src/cli/commands/sandbox.js";
import { obj, sandboxClient } from "./sandbox-http.js";

/**
 * `flyops sandbox` takes its token from FLYOPS_SANDBOX_TOKEN, which keeps it off the command line;
 * what it prints then refers to the variable instead of repeating the token.
 */

// Built at run time: tests hold no token-looking literal.
const ENV_TOKEN = `env-${"e".repeat(16)}`;
const FLAG_TOKEN = `flag-${"f".repeat(16)}`;

interface Started {
  stdout: string;
  stderr: string;
  stop: () => Promise<void>;
}

/** Starts the sandbox in-process until `stop`, collecting what it printed. */
async function start(flags: SandboxCliFlags, env: NodeJS.ProcessEnv): Promise<Started> {
  const out = { stdout: "", stderr: "" };
  let stop: (signal: string) => void = () => undefined;
  let ready: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (ready = resolve));
  const running = runSandbox(
    { port: "0", seed: "demo", ...flags },
    {
      io: { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t) },
      env,
      untilStopped: () => {
        ready();
        return new Promise<string>((resolve) => (stop = resolve));
      },
    },
  );
  await started;
  return {
    get stdout() {
      return out.stdout;
    },
    get stderr() {
      return out.stderr;
    },
    stop: async () => {
      stop("SIGTERM");
      await running;
    },
  };
}

const urlOf = (stdout: string): string => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1] ?? "";

describe("flyops sandbox and FLYOPS_SANDBOX_TOKEN", () => {
  it("accepts only the token from the environment, and prints the variable instead of it", async () => {
    const sandbox = await start({}, { [SANDBOX_TOKEN_ENV]: ENV_TOKEN });
    try {
      const url = urlOf(sandbox.stdout);
      expect(sandbox.stdout).toContain(`export FLY_API_TOKEN="$${SANDBOX_TOKEN_ENV}"`);
      expect(sandbox.stdout + sandbox.stderr).not.toContain(ENV_TOKEN);
      expect((await sandboxClient(url, ENV_TOKEN)("GET", "/v1/apps?org_slug=personal")).status).toBe(200);
      expect((await sandboxClient(url, FLAG_TOKEN)("GET", "/v1/apps?org_slug=personal")).status).toBe(401);
    } finally {
      await sandbox.stop();
    }
  });

  it("with --json, leaves the token out of env and refers to the variable in exports", async () => {
    const sandbox = await start({ json: true }, { [SANDBOX_TOKEN_ENV]: ENV_TOKEN });
    try {
      const info = obj(JSON.parse(sandbox.stdout));
      expect(obj(info.env)).not.toHaveProperty("FLY_API_TOKEN");
      expect(info.exports).toContain(`export FLY_API_TOKEN="$${SANDBOX_TOKEN_ENV}"`);
      expect(sandbox.stdout).not.toContain(ENV_TOKEN);
    } finally {
      await sandbox.stop();
    }
  });

  it("lets --token win, and says that the variable keeps it off the command line", async () => {
    const sandbox = await start({ token: FLAG_TOKEN }, { [SANDBOX_TOKEN_ENV]: ENV_TOKEN });
    try {
      const url = urlOf(sandbox.stdout);
      expect(sandbox.stdout).toContain(`export FLY_API_TOKEN=${FLAG_TOKEN}`);
      expect(sandbox.stderr).toContain(`--token puts the token on the command line`);
      expect(sandbox.stderr).toContain(`set ${SANDBOX_TOKEN_ENV} instead`);
      expect((await sandboxClient(url, FLAG_TOKEN)("GET", "/v1/apps?org_slug=personal")).status).toBe(200);
      expect((await sandboxClient(url, ENV_TOKEN)("GET", "/v1/apps?org_slug=personal")).status).toBe(401);
    } finally {
      await sandbox.stop();
    }
  });

  it("names the variable in --help", () => {
    expect(sandboxCommand().helpInformation()).toContain(SANDBOX_TOKEN_ENV);
  });
});
