import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { askRoute } from "../../src/cli/commands/ask.js";
import { listCommand } from "../../src/cli/commands/fly-list.js";
import { createRuntime } from "../../src/cli/runtime.js";
import { resolveConfig } from "../../src/config/index.js";
import { ConfigError } from "../../src/errors.js";
import { flyWpApi } from "../../src/flywp/api.js";
import { FlyWpClient } from "../../src/flywp/client.js";
import { silentLogger } from "../../src/logger.js";
import { validatePlan } from "../../src/plan/check/validator.js";
import { envSourceRefusal, heldCredentials } from "../../src/security/secret-sources.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import type { ToolContext } from "../../tools/define-tool.js";
import { catalog, findTool, providerOf, providerTools, providerToolsets } from "../../tools/index.js";
import { invokeTool, ToolInputError } from "../../tools/invoke.js";
import { stringFields, withField } from "./catalog-fields.js";

/** FlyWP's tools as catalog entries: their provider, their inputs, the paths they send, the plans they make. */

let sandbox: Sandbox;
let ctx: ToolContext;
const paths: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, transitionMs: 0 });
  const client = new FlyWpClient({
    baseUrl: sandbox.flywpUrl,
    token: sandbox.flywp.token,
    onRequest: (r) => paths.push(`${r.method} ${r.path}`),
  });
  const runtime = await createRuntime({ env: { ...sandbox.env, HOME: tmpdir() }, cwd: tmpdir() });
  ctx = { ...runtime.ctx, flywp: flyWpApi(client), log: silentLogger };
  await runtime.close();
});
afterAll(async () => {
  await sandbox.close();
});

// A well-formed ed25519 key line: its blob names its type (RFC 4253 6.6), then 32 key bytes.
const WP_KEY = `ssh-ed25519 ${Buffer.concat([
  Buffer.from([0, 0, 0, 11]),
  Buffer.from("ssh-ed25519"),
  Buffer.from([0, 0, 0, 32]),
  Buffer.alloc(32, 7),
]).toString("base64")} kim@laptop`;
/** A valid input of every FlyWP tool, against the demo account (web-1 is server 1, its sites 11-13). */
const SAMPLES: Record<string, Record<string, unknown>> = {
  flywp_servers_list: {},
  flywp_servers_get: { server_id: 1 },
  flywp_servers_create: { name: "web-7", extra: { region: "ams3" } },
  flywp_sites_list: { server_id: 1 },
  flywp_sites_get: { server_id: 1, site_id: 12 },
  flywp_sites_create: { server_id: 3, domain: "new.example.org" },
  flywp_databases_list: { server_id: 3 },
  flywp_ssh_keys_list: { server_id: 1 },
  flywp_ssh_keys_add: { server_id: 1, name: "kim-laptop", public_key: WP_KEY },
  flywp_crons_list: { server_id: 3 },
  flywp_crons_create: { server_id: 3, command: "wp cron event run --due-now", frequency: "0 0 * * *" },
  flywp_backups_list: { site_id: 21 },
  flywp_backups_create: { server_id: 3, site_id: 21 },
};

async function pathsOf(tool: string, input: unknown): Promise<{ sent: string[]; error: unknown }> {
  const before = paths.length;
  let error: unknown;
  try {
    await invokeTool(ctx, findTool(tool)!, input);
  } catch (e) {
    error = e;
  }
  return { sent: paths.slice(before), error };
}

describe("the catalog's providers", () => {
  it("marks FlyWP's tools flywp and leaves every other tool Fly's", () => {
    const flywp = providerTools("flywp").map((t) => t.name);
    expect(flywp.sort()).toEqual(Object.keys(SAMPLES).sort());
    expect(providerTools("fly").length + flywp.length).toBe(catalog.length);
    for (const tool of catalog)
      expect(providerOf(tool) === "flywp", tool.name).toBe(tool.name.startsWith("flywp_"));
  });

  it("takes --provider for a question, and refuses it with --maker (a plan's tools say whose they are)", () => {
    expect(askRoute("how many sites do I have?", { provider: "flywp" })).toMatchObject({
      kind: "ask",
      options: { provider: "flywp" },
    });
    expect(() => askRoute("back up web-1", { maker: true, provider: "flywp" })).toThrow(
      "--provider applies to questions only",
    );
  });

  it("offers each front one provider's tools: ask's FlyWP tools are FlyWP's reads, offered whole; fly list has none", () => {
    expect(
      providerTools("flywp", "read").every((t) => t.access === "read" && providerOf(t) === "flywp"),
    ).toBe(true);
    expect(providerToolsets("flywp").every((set) => set.default)).toBe(true);
    expect(providerToolsets("fly").some((set) => set.tools.some((t) => providerOf(t) === "flywp"))).toBe(
      false,
    );
    const choices = listCommand().registeredArguments[0]?.argChoices ?? [];
    expect(choices).toContain("machines");
    expect(choices).not.toContain("servers");
    expect(choices).not.toContain("sites");
  });
});

describe("FlyWP's tools against the sandbox", () => {
  it.each(Object.entries(SAMPLES))("%s sends only paths named by its input's ids", async (name, input) => {
    const { sent, error } = await pathsOf(name, input);
    expect(error).toBeUndefined();
    expect(sent.length).toBeGreaterThan(0);
    const ids = Object.entries(input)
      .filter(([key]) => key.endsWith("_id"))
      .map(([, v]) => String(v));
    for (const request of sent) {
      const match =
        /^(GET|POST) \/(servers|sites)(?:\/(\d+)(?:\/(sites|databases|ssh-keys|crons|backups))?)?$/.exec(
          request,
        );
      expect(match, request).not.toBeNull();
      if (match?.[3] !== undefined) expect(ids, request).toContain(match[3]);
    }
  });

  it.each(Object.entries(SAMPLES).filter(([name]) => stringFields(findTool(name)!.input).length > 0))(
    "%s: a hostile string is refused, or reaches no path",
    async (name, input) => {
      const baseline = (await pathsOf(name, input)).sent.map((p) => p.split(" ")[1]);
      for (const field of stringFields(findTool(name)!.input)) {
        for (const value of ["../servers/3", "1/../../3", "%2e%2e", "\u202e", "x".repeat(10_000)]) {
          const { sent, error } = await pathsOf(name, withField(input, field.path, value));
          if (error instanceof ToolInputError) {
            expect(sent).toEqual([]);
            continue;
          }
          for (const p of sent)
            expect(baseline, `${field.label}=${value.slice(0, 20)}`).toContain(p.split(" ")[1]);
        }
      }
    },
  );

  it("refuses a private key by its shape before anything is sent, without repeating it", async () => {
    const secret = `-----BEGIN OPENSSH PRIVATE KEY-----\n${"b3BlbnNzaC1rZXktdjEA".repeat(4)}\n-----END OPENSSH PRIVATE KEY-----`;
    const { sent, error } = await pathsOf("flywp_ssh_keys_add", {
      server_id: 1,
      name: "oops",
      public_key: secret,
    });
    expect(error).toBeInstanceOf(ToolInputError);
    expect((error as Error).message).toContain("this is a private key");
    expect((error as Error).message).not.toContain("b3BlbnNzaC1rZXktdjEA");
    expect(sent).toEqual([]);
    const putty = await pathsOf("flywp_ssh_keys_add", {
      server_id: 1,
      name: "oops",
      public_key: "PuTTY-User-Key-File-3: ssh-ed25519",
    });
    expect(putty.error).toBeInstanceOf(ToolInputError);
  });

  it("triggers no second backup for a step whose backup since `after` is there", async () => {
    const site = 13;
    const count = () => sandbox.flywp.account.backups.filter((b) => b.site_id === site).length;
    const before = count();
    const after = new Date(Date.now() - 1000).toISOString();
    await invokeTool(ctx, findTool("flywp_backups_create")!, { server_id: 1, site_id: site, after });
    await invokeTool(ctx, findTool("flywp_backups_create")!, { server_id: 1, site_id: site, after });
    expect(count()).toBe(before + 1);
  });
});

describe("FlyWP's configuration and plans", () => {
  it("reads flywp.api_token from the config file before FLYWP_API_TOKEN, and FLYWP_API_URL", () => {
    const dir = mkdtempSync(join(tmpdir(), "flyops-flywp-config-"));
    try {
      const fromFile = `fwp_${"f".repeat(30)}`;
      writeFileSync(join(dir, "config.yaml"), `flywp:\n  api_token: ${fromFile}\n`);
      const env = { FLYOPS_CONFIG: join(dir, "config.yaml"), FLYWP_API_TOKEN: `fwp_${"e".repeat(30)}` };
      const config = resolveConfig({ env, cwd: dir });
      expect(config.flywpToken).toBe(fromFile);
      expect(config.flywpTokenSource).toContain("flywp.api_token");
      expect(config.flywpUrl).toBe("https://app.flywp.com/api/v1");
      expect(
        resolveConfig({ env: { FLYWP_API_URL: "http://127.0.0.1:9/flywp/api/v1" }, cwd: dir }).flywpUrl,
      ).toBe("http://127.0.0.1:9/flywp/api/v1");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("with only FlyWP configured, a Fly tool fails naming Fly's token variables before any request", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flyops-flywp-only-"));
    const runtime = await createRuntime({
      env: {
        HOME: dir,
        XDG_CONFIG_HOME: dir,
        FLYWP_API_TOKEN: sandbox.flywp.token,
        FLYWP_API_URL: sandbox.flywpUrl,
      },
      cwd: dir,
    });
    try {
      const error = await invokeTool(runtime.ctx, findTool("apps_list")!, {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain("FLY_API_TOKEN");
      const servers = (await invokeTool(runtime.ctx, findTool("flywp_servers_list")!, {})) as unknown[];
      expect(servers).toHaveLength(sandbox.flywp.account.servers.length);
    } finally {
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("holds FLYWP_API_TOKEN as a credential: redacted from every output, never a plan's secret source", () => {
    const token = `fwp_${"t".repeat(32)}`;
    expect(heldCredentials({ FLYWP_API_TOKEN: token })).toContain(token);
    expect(envSourceRefusal("FLYWP_API_TOKEN")?.why).toContain("FlyWP credential");
    const plan = {
      version: 1,
      request: "r",
      createdAt: "2026-12-07T10:00:00Z",
      org: "personal",
      summary: "s",
      steps: [
        {
          id: "s1",
          tool: "secrets_set",
          reason: "r",
          input: { app: "demo-web", secrets: { WP_TOKEN: { fromEnv: "FLYWP_API_TOKEN" } } },
        },
      ],
    };
    const verdict = validatePlan(plan, { allowDestructive: false });
    expect(verdict.ok).toBe(false);
    expect(verdict.findings.map((f) => f.message).join("\n")).toContain(
      "FLYWP_API_TOKEN is a FlyWP credential",
    );
  });

  it("accepts a plan of FlyWP steps without an org, and still requires one of a plan with a Fly step", () => {
    const plan = (steps: unknown[]) => ({
      version: 1,
      request: "r",
      createdAt: "2026-12-07T10:00:00Z",
      summary: "s",
      steps,
    });
    const backup = {
      id: "s1",
      tool: "flywp_backups_create",
      reason: "r",
      input: { server_id: 1, site_id: 11 },
    };
    const stop = {
      id: "s2",
      tool: "machines_stop",
      reason: "r",
      input: { app: "demo-web", machine_id: "148e272b0e4d89" },
    };
    expect(validatePlan(plan([backup]), { allowDestructive: false })).toMatchObject({ ok: true });
    const mixed = validatePlan(plan([backup, stop]), { allowDestructive: false });
    expect(mixed.ok).toBe(false);
    expect(mixed.findings.map((f) => f.message)).toContain(
      "org: Required (a plan with a Fly step names its organization)",
    );
    expect(validatePlan({ ...plan([backup, stop]), org: "personal" }, { allowDestructive: false }).ok).toBe(
      true,
    );
  });
});
