import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runApplyPlan, type ApplyIo } from "../../src/plan/apply/applier.js";
import { journalPath } from "../../src/plan/apply/journal.js";
import { withApproval } from "../../src/plan/schema/approval.js";
import { createFlyClients } from "../../src/fly/create-clients.js";
import type { RecordedRequest } from "../../src/fly/http.js";
import { OrganizationTokensDocument, addonDocuments } from "../../src/fly/graphql-documents-addons.js";
import { Redactor } from "../../src/security/redact.js";
import { silentLogger } from "../../src/logger.js";
import { DEMO_MPG_CLUSTER_ID } from "../../src/sandbox/seed-demo-addons.js";
import { findTool } from "../../tools/index.js";
import { invokeTool } from "../../tools/invoke.js";
import type { ToolContext } from "../../tools/define-tool.js";
import { MPG_OPERATIONS } from "../fixtures/mpg-api.js";
import { planWith, sandboxWorld, writePlan, type SandboxWorld } from "../unit/applier-fixture.js";

/**
 * The add-on, database, member, token and WireGuard tools against the demo sandbox: listings show
 * what the sandbox holds, changes land in it, a token value and a connection string never leave
 * for any output, and every Managed Postgres request is one flyctl sends (test/fixtures/mpg-api.ts).
 */

let world: SandboxWorld;
let ctx: ToolContext;
const mpgRequests: RecordedRequest[] = [];

beforeEach(async () => {
  world = await sandboxWorld();
  const fly = createFlyClients({
    restBaseUrl: world.sandbox.restBaseUrl,
    graphqlUrl: world.sandbox.graphqlUrl,
    mpgBaseUrl: world.sandbox.url,
    token: world.runtime.config.token ?? "",
    maxRetries: 0,
    onMpgRequest: (r) => mpgRequests.push(r),
  });
  ctx = { fly, org: undefined, app: undefined, signal: undefined, log: silentLogger };
});
afterEach(async () => {
  await world.close();
});

const run = (tool: string, input: Record<string, unknown>) => invokeTool(ctx, findTool(tool)!, input);
const json = (value: unknown) => JSON.stringify(value);

describe("listings show what the sandbox holds", () => {
  it("postgres, mpg, redis, tigris, extensions, members, tokens and wireguard", async () => {
    const { addons } = world.sandbox.store;
    const names = (rows: unknown, key = "name") => (rows as Record<string, unknown>[]).map((r) => r[key]);
    expect(names(await run("postgres_list", {}), "app")).toEqual(["acme-db"]);
    expect(names(await run("mpg_list", {}))).toEqual(addons.mpgClusters.map((c) => c.name));
    expect(names(await run("redis_list", {}))).toEqual(
      addons.addOns.filter((a) => a.type === "upstash_redis").map((a) => a.name),
    );
    expect(names(await run("tigris_list", {}))).toEqual(
      addons.addOns.filter((a) => a.type === "tigris").map((a) => a.name),
    );
    expect(names(await run("extensions_list", {}))).toEqual(["acme-sentry"]);
    const members = (await run("members_list", { org: "acme-corp" })) as { email: string; role: string }[];
    expect(members.map((m) => `${m.email} ${m.role}`)).toEqual([
      "dana@example.com admin",
      "lee@example.com admin",
      "sam@example.com member",
    ]);
    const tokens = (await run("tokens_list", { org: "acme-corp" })) as { name: string; expires_at: string }[];
    expect(tokens.map((t) => t.name).sort()).toEqual(
      addons.tokens
        .filter((t) => t.org === "acme-corp")
        .map((t) => t.name)
        .sort(),
    );
    expect(names(await run("wireguard_list", { org: "acme-corp" }))).toEqual(["ci-runner", "lee-laptop"]);
  });

  it("a Postgres cluster's leader, replicas, volumes and health", async () => {
    const cluster = (await run("postgres_get", { app: "acme-db" })) as {
      leader: string;
      members: { role: string; volume: string; state: string }[];
      problems: string[];
    };
    expect(cluster.leader).toBe("pg-primary");
    expect(cluster.members.map((m) => `${m.role} ${m.state} ${m.volume}`)).toEqual([
      "primary started vol_1pg7r2m9x4kq8dzw",
      "replica stopped vol_2rp4x8k1m6tq9hvz",
    ]);
    expect(cluster.problems).toEqual(["replica pg-replica is stopped"]);
    world.sandbox.store.machine("6e82933c4e0e48")!.state = "started";
    expect(((await run("postgres_get", { app: "acme-db" })) as { problems: string[] }).problems).toEqual([]);
    await expect(run("postgres_get", { app: "acme-api" })).rejects.toThrow(/not a Fly Postgres cluster/);
  });
});

describe("changes land in the sandbox", () => {
  it("Managed Postgres create, database, user and destroy", async () => {
    const made = (await run("mpg_create", {
      org: "acme-corp",
      name: "acme-pg2",
      region: "ams",
      plan: "basic",
    })) as { id: string };
    await run("mpg_database_create", { cluster_id: made.id, database: "audit" });
    await run("mpg_user_create", { cluster_id: made.id, username: "auditor", role: "reader" });
    const detail = (await run("mpg_get", { cluster_id: made.id })) as {
      databases: { name: string }[];
      users: { name: string; role: string }[];
    };
    expect(detail.databases.map((d) => d.name)).toEqual(["audit"]);
    expect(detail.users).toEqual([{ name: "auditor", role: "reader" }]);
    await run("mpg_destroy", { org: "acme-corp", cluster_id: made.id });
    expect(world.sandbox.store.addons.mpgClusters.map((c) => c.id)).toEqual([DEMO_MPG_CLUSTER_ID]);
  });

  it("add-ons, tokens, peers and members", async () => {
    const { addons } = world.sandbox.store;
    await run("addon_create", { org: "acme-corp", type: "upstash_redis", name: "acme-queue", region: "ams" });
    expect(addons.addOns.map((a) => a.name)).toContain("acme-queue");
    await run("addon_destroy", { org: "acme-corp", type: "tigris", name: "acme-assets" });
    expect(addons.addOns.map((a) => a.name)).not.toContain("acme-assets");
    await run("token_revoke", { org: "acme-corp", name: "ci-deploy" });
    expect(addons.tokens.find((t) => t.name === "ci-deploy")?.revokedAt).toBeDefined();
    await expect(run("token_revoke", { org: "acme-corp", name: "ci-deploy" })).rejects.toThrow(
      /no unrevoked token/,
    );
    await run("wireguard_remove", { org: "acme-corp", name: "ci-runner" });
    expect(addons.wireGuardPeers.map((p) => p.name)).toEqual(["lee-laptop"]);
    await run("member_invite", { org: "acme-corp", email: "kim@example.com" });
    expect(addons.invitations.map((i) => i.email)).toEqual(["kim@example.com"]);
    await expect(run("member_invite", { org: "acme-corp", email: "sam@example.com" })).rejects.toThrow(
      /already a member/,
    );
    await run("member_remove", { org: "acme-corp", email: "sam@example.com" });
    const left = (await run("members_list", { org: "acme-corp" })) as { email: string }[];
    expect(left.map((m) => m.email)).toEqual(["dana@example.com", "lee@example.com"]);
  });

  it("sends only Managed Postgres requests flyctl sends, with flyctl's body keys", async () => {
    mpgRequests.length = 0;
    await run("mpg_list", {});
    const made = (await run("mpg_create", { org: "acme-corp", name: "acme-pg3", region: "ams" })) as {
      id: string;
    };
    await run("mpg_get", { cluster_id: made.id });
    await run("mpg_database_create", { cluster_id: made.id, database: "x1" });
    await run("mpg_user_create", { cluster_id: made.id, username: "u1", role: "writer" });
    await run("mpg_attach", { cluster_id: made.id, app: "acme-cron" });
    await run("mpg_detach", { cluster_id: made.id, app: "acme-cron" });
    await run("mpg_destroy", { org: "acme-corp", cluster_id: made.id });
    const matched = new Set<string>();
    for (const request of mpgRequests) {
      const op = MPG_OPERATIONS.find(
        (o) =>
          o.method === request.method &&
          new RegExp(`^${o.path.replace(/\{[a-z_]+\}/g, "[^/]+")}$`).test(request.path),
      );
      expect(op, `${request.method} ${request.path} is no operation flyctl sends`).toBeDefined();
      if (op?.bodyKeys) expect(Object.keys(request.body as object).sort()).toEqual([...op.bodyKeys].sort());
      else expect(request.body).toBeUndefined();
      if (op) matched.add(op.operationId);
    }
    expect([...matched].sort()).toEqual(MPG_OPERATIONS.map((o) => o.operationId).sort());
  });
});

describe("credentials never leave", () => {
  it("a token's value is in no document, no tool result and no view", async () => {
    const planted = "fo1_" + "x".repeat(40);
    world.sandbox.store.addons.tokens[0]!.value = planted;
    for (const d of addonDocuments)
      expect(d.source).not.toMatch(/^\s*(token|tokenHeader|password|publicUrl|environment)\s*$/m);
    expect(OrganizationTokensDocument.source).toContain("expiresAt");
    const tool = findTool("tokens_list")!;
    const result = await invokeTool(ctx, tool, {});
    expect(json(result)).not.toContain(planted);
    expect(json(tool.view(result, {}))).not.toContain(planted);
    // Fly's schema has the value as `token`; the sandbox holds one but answers no such field.
    const reply = await fetch(world.sandbox.graphqlUrl, {
      method: "POST",
      headers: {
        authorization: `Bearer ${world.runtime.config.token ?? ""}`,
        "content-type": "application/json",
      },
      body: json({
        query: '{ organization(slug: "acme-corp") { limitedAccessTokens { nodes { token } } } }',
      }),
    });
    const text = await reply.text();
    expect(text).toContain("Cannot query field");
    expect(text).not.toContain(planted);
  });

  it("attaching a database puts its connection string in the app's secrets, and nowhere else", async () => {
    const cluster = world.sandbox.store.addons.mpgClusters[0]!;
    const step = {
      id: "s1",
      tool: "mpg_attach",
      reason: "the app needs its database",
      input: { cluster_id: cluster.id, app: "acme-cron" },
    };
    const path = writePlan(world.dir, "attach.json", withApproval(planWith([step]), "tester"));
    const progress: string[] = [];
    const redactor = new Redactor(world.runtime.credentials);
    const io: ApplyIo = {
      ctx: world.runtime.ctx,
      flyctl: () => {
        throw new Error("no flyctl in this test");
      },
      env: {},
      cwd: world.dir,
      redactor,
      progress: (line) => progress.push(line),
    };
    const report = await runApplyPlan(
      {
        planPath: path,
        yes: true,
        dryRun: false,
        resume: false,
        allowDestructive: false,
        ignoreDrift: false,
        secretsVia: "rest",
      },
      io,
    );
    expect(report.status, report.message).toBe("applied");
    const value = world.sandbox.store.secretValue("acme-cron", "DATABASE_URL");
    expect(value).toContain(cluster.password);
    for (const text of [
      readFileSync(path, "utf8"),
      readFileSync(journalPath(path), "utf8"),
      progress.join("\n"),
      json(report),
    ]) {
      expect(text).not.toContain(cluster.password);
      expect(text).not.toContain("postgresql://");
    }
    expect(cluster.attachedApps).toContain("acme-cron");
  });
});
