import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FlyopsError } from "../../src/errors.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { obj, sandboxClient } from "./sandbox-http.js";

let dir: string;
let sandbox: Sandbox | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "flyops-sandbox-state-"));
});
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe("sandbox state file", () => {
  it("persists changes on close and reloads them on start, winning over the seed", async () => {
    const file = join(dir, "state.json");
    sandbox = await startSandbox({ stateFile: file, rateLimits: false });
    const call = sandboxClient(sandbox.url);
    await call("POST", "/v1/apps/demo-web/machines/148e272b0e4d89/stop");
    await call("POST", "/v1/apps", { name: "kept-app", org_slug: "personal" });
    await call("POST", "/v1/apps/kept-app/secrets", { values: { KEPT: "kept-value" } });
    await sandbox.close();

    expect((await stat(file)).mode & 0o777).toBe(0o600);
    sandbox = await startSandbox({ stateFile: file, seed: "empty", rateLimits: false });
    const again = sandboxClient(sandbox.url);
    expect(obj((await again("GET", "/v1/apps/demo-web/machines/148e272b0e4d89")).json).state).toBe("stopped");
    expect((await again("GET", "/v1/apps/kept-app")).status).toBe(200);
    expect(sandbox.store.secretValue("kept-app", "KEPT")).toBe("kept-value");
  });

  it("writes the seed to a new state file at once", async () => {
    const file = join(dir, "fresh.json");
    sandbox = await startSandbox({ stateFile: file, seed: "demo" });
    await sandbox.close();
    const saved = JSON.parse(await readFile(file, "utf8")) as { apps: { name: string }[] };
    expect(saved.apps.map((a) => a.name)).toContain("acme-db");
  });

  it("lands a change still in flight before writing at shutdown", async () => {
    const file = join(dir, "inflight.json");
    sandbox = await startSandbox({ stateFile: file, transitionMs: 60_000, rateLimits: false });
    await sandboxClient(sandbox.url)("POST", "/v1/apps/demo-web/machines/148e272b0e4d89/stop");
    expect(sandbox.store.machine("148e272b0e4d89")?.state).toBe("stopping");
    await sandbox.close();
    sandbox = await startSandbox({ stateFile: file });
    expect(sandbox.store.machine("148e272b0e4d89")?.state).toBe("stopped");
  });

  it("refuses a state file that is not sandbox state, naming the fix", async () => {
    const file = join(dir, "broken.json");
    await writeFile(file, "{ not json");
    await expect(startSandbox({ stateFile: file })).rejects.toThrow(FlyopsError);
    await writeFile(file, JSON.stringify({ version: 9 }));
    await expect(startSandbox({ stateFile: file })).rejects.toThrow(/remove it to start from the seed/);
  });
});
