import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { runSandbox, sandboxCommand } from "../../src/cli/commands/sandbox.js";
import { UsageError } from "../../src/errors.js";
import { CLI_PATH } from "../support/cli.js";
import { arr, obj, sandboxClient } from "./sandbox-http.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function capture() {
  const out = { stdout: "", stderr: "" };
  return {
    out,
    io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) },
  };
}

/** A stop switch for runSandbox, and a promise that resolves once it printed its exports. */
function controlledStop() {
  let stop: (signal: string) => void = () => undefined;
  let started: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (started = resolve));
  const untilStopped = () => {
    started();
    return new Promise<string>((resolve) => (stop = resolve));
  };
  return { ready, untilStopped, stop: (s: string) => stop(s) };
}

describe("flyops sandbox (runSandbox)", () => {
  it("prints the URL and the exact export lines, serves until stopped, then returns", async () => {
    const { out, io } = capture();
    const control = controlledStop();
    const running = runSandbox(
      { port: "0", seed: "demo", token: "cli-test-token" },
      { io, env: {}, untilStopped: control.untilStopped },
    );
    await control.ready;
    const lines = out.stdout.trim().split("\n");
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out.stdout)?.[1] ?? "";
    expect(url).not.toBe("");
    expect(lines).toContain(`export FLY_API_HOSTNAME=${url}`);
    expect(lines).toContain(`export FLY_GRAPHQL_URL=${url}/graphql`);
    expect(lines).toContain("export FLY_API_TOKEN=cli-test-token");
    expect(lines.every((l) => l.startsWith("#") || l.startsWith("export ") || l.startsWith("unset "))).toBe(
      true,
    );
    const reply = await sandboxClient(url, "cli-test-token")("GET", "/v1/apps?org_slug=acme-corp");
    expect(arr(obj(reply.json).apps).map((a) => a.name)).toEqual(["acme-api", "acme-db", "acme-cron"]);
    control.stop("SIGTERM");
    await running;
    expect(out.stderr).toContain("sandbox stopped (SIGTERM)");
    await expect(fetch(url)).rejects.toThrow();
  });

  it("cuts org listings short with --short-pages, and says so in its banner", async () => {
    const parsed = sandboxCommand();
    expect(parsed.parseOptions(["--short-pages"]).unknown).toEqual([]);
    expect(parsed.opts().shortPages).toBe(true);

    const { out, io } = capture();
    const control = controlledStop();
    const running = runSandbox(
      { port: "0", seed: "demo", shortPages: true, rateLimits: false },
      { io, env: {}, untilStopped: control.untilStopped },
    );
    await control.ready;
    expect(out.stdout).toMatch(/short pages/);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out.stdout)?.[1] ?? "";
    const page = obj((await sandboxClient(url)("GET", "/v1/orgs/acme-corp/machines")).json);
    expect(typeof page.next_cursor).toBe("string");
    expect(arr(page.machines).length).toBeLessThan(6);
    control.stop("SIGTERM");
    await running;
  });

  it("rejects a bad seed or fault rate as a usage error", async () => {
    const { io } = capture();
    await expect(runSandbox({ seed: "lots" }, { io, env: {} })).rejects.toThrow(UsageError);
    await expect(runSandbox({ faultRate: "2" }, { io, env: {} })).rejects.toThrow(/--fault-rate/);
  });
});

describe("flyops sandbox (built CLI)", () => {
  it("starts, persists its state file, and exits 0 on SIGTERM", async () => {
    const dir = await mkdtemp(join(tmpdir(), "flyops-sandbox-cli-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const stateFile = join(dir, "state.json");
    const child = spawn(
      process.execPath,
      [CLI_PATH, "sandbox", "--port", "0", "--seed", "5", "--state", stateFile, "--json"],
      {
        env: { PATH: process.env.PATH ?? "", HOME: dir },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
    });
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once("line", resolve);
      child.once("exit", () => reject(new Error("sandbox exited before printing its address")));
    });
    const info = obj(JSON.parse(firstLine));
    const env = obj(info.env);
    const call = sandboxClient(String(info.url), String(env.FLY_API_TOKEN));
    const apps = arr(obj((await call("GET", "/v1/apps?org_slug=personal")).json).apps);
    expect(apps.length).toBeGreaterThan(0);
    await call("POST", "/v1/apps", { name: "made-over-http", org_slug: "personal" });

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    const saved = JSON.parse(await readFile(stateFile, "utf8")) as { apps: { name: string }[] };
    expect(saved.apps.map((a) => a.name)).toContain("made-over-http");
  });
});
