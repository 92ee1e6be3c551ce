import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/cli/runtime.js";
import { RefusedError } from "../../src/errors.js";
import { flyWpApi } from "../../src/flywp/api.js";
import { FlyWpClient } from "../../src/flywp/client.js";
import { silentLogger } from "../../src/logger.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import type { ToolContext } from "../../tools/define-tool.js";
import { flywpBackupsCreate } from "../../tools/flywp-backups.js";
import { flywpSshKeysAdd } from "../../tools/flywp-server-items.js";
import { invokeTool } from "../../tools/invoke.js";

/** What counts as a FlyWP step already done: a completed backup at a zoned time, the same key under the name. */

let sandbox: Sandbox;
let ctx: ToolContext;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, transitionMs: 0 });
  const client = new FlyWpClient({ baseUrl: sandbox.flywpUrl, token: sandbox.flywp.token });
  const runtime = await createRuntime({ env: { ...sandbox.env, HOME: tmpdir() }, cwd: tmpdir() });
  ctx = { ...runtime.ctx, flywp: flyWpApi(client), log: silentLogger };
  await runtime.close();
});
afterAll(async () => {
  await sandbox.close();
});

const backups = () => sandbox.flywp.account.backups;
const countOf = (site: number) => backups().filter((b) => b.site_id === site).length;

function plant(site: number, status: string, created_at: string): void {
  backups().push({ id: 9000 + backups().length, site_id: site, status, size: 1, created_at });
}

async function reconcile(input: { server_id: number; site_id: number; after: string }) {
  const rule = flywpBackupsCreate.step.reconcile;
  if (rule.kind !== "check") throw new Error("expected a check");
  return rule.check(ctx, input);
}

describe("flywp_backups_create on a second run", () => {
  it("does not count a pending or running backup as done: it asks, and run triggers nothing", async () => {
    const site = 12;
    const after = new Date(Date.now() - 60_000).toISOString();
    plant(site, "running", new Date().toISOString());
    const before = countOf(site);
    const input = { server_id: 1, site_id: site, after };
    expect((await reconcile(input)).outcome).toBe("ask");
    const error = await invokeTool(ctx, flywpBackupsCreate, input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefusedError);
    expect((error as Error).message).toContain("still running");
    expect(countOf(site)).toBe(before);
  });

  it("reads a time without a zone as unknown, not local time: a naive far-future backup is not done", async () => {
    const site = 21;
    const after = new Date(Date.now() - 60_000).toISOString();
    plant(site, "completed", "2099-12-07 10:00:00");
    const input = { server_id: 3, site_id: site, after };
    expect((await reconcile(input)).outcome).toBe("rerun");
    const before = countOf(site);
    await invokeTool(ctx, flywpBackupsCreate, input);
    expect(countOf(site)).toBe(before + 1);
    expect((await reconcile(input)).outcome).toBe("done");
  });
});

/** A well-formed ed25519 key line whose 32 key bytes are all `fill`. */
function keyLine(fill: number): string {
  const blob = Buffer.concat([
    Buffer.from([0, 0, 0, 11]),
    Buffer.from("ssh-ed25519"),
    Buffer.from([0, 0, 0, 32]),
    Buffer.alloc(32, fill),
  ]);
  return `ssh-ed25519 ${blob.toString("base64")} kim@laptop`;
}

describe("flywp_ssh_keys_add on a second run", () => {
  async function reconcileKey(input: { server_id: number; name: string; public_key: string }) {
    const rule = flywpSshKeysAdd.step.reconcile;
    if (rule.kind !== "check") throw new Error("expected a check");
    return rule.check(ctx, input);
  }

  it("counts a key as added only when the key under that name is this key", async () => {
    const mine = { server_id: 3, name: "kim-phone", public_key: keyLine(1) };
    expect((await reconcileKey(mine)).outcome).toBe("rerun");
    await invokeTool(ctx, flywpSshKeysAdd, mine);
    expect((await reconcileKey(mine)).outcome).toBe("done");
    const other = { ...mine, public_key: keyLine(2) };
    const verdict = await reconcileKey(other);
    expect(verdict.outcome).toBe("ask");
    expect(verdict.note).toContain("not with this key's fingerprint");
  });
});
