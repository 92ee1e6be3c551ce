import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAsk } from "../../src/agent/ask-loop.js";
import { createLocalModel, LocalModelCannotAnswer } from "../../src/llm/local/index.js";
import { makePlan } from "../../src/plan/maker/maker.js";
import { Redactor } from "../../src/security/redact.js";
import type { Provider } from "../../tools/define-tool.js";
import { providerTools, providerToolsets } from "../../tools/index.js";
import { sandboxWorld, type SandboxWorld } from "./applier-fixture.js";

/**
 * The local model picks a shape only of a provider whose tools it is offered: FlyWP's questions
 * with FlyWP's tools, Fly's with Fly's, and a Fly change request naming an app such as acme-cron
 * is never read as a FlyWP cron job.
 */

let world: SandboxWorld;
beforeAll(async () => {
  world = await sandboxWorld();
});
afterAll(async () => {
  await world.close();
});

function ask(question: string, provider: Provider) {
  return runAsk({
    question,
    model: createLocalModel(),
    ctx: world.runtime.ctx,
    tools: providerTools(provider, "read"),
    toolsets: providerToolsets(provider),
    redactor: new Redactor(),
  });
}

describe("the local model and FlyWP", () => {
  it("counts the account's sites exactly with FlyWP's tools", async () => {
    const result = await ask("how many sites do I have?", "flywp");
    const sites = world.sandbox.flywp.account.sites;
    const servers = world.sandbox.flywp.account.servers;
    expect(result.answer.split("\n")[0]).toBe(`You have ${sites.length} sites on ${servers.length} servers:`);
    for (const server of servers)
      expect(result.answer).toContain(
        `- ${server.name} (id ${server.id}): ${sites.filter((s) => s.server_id === server.id).length} sites`,
      );
    expect(result.toolCalls.map((c) => c.tool)).toEqual([
      "flywp_servers_list",
      ...servers.map(() => "flywp_sites_list"),
    ]);
  });

  it("says there is no such server rather than answering for every server", async () => {
    const result = await ask("which sites are on server web-9?", "flywp");
    expect(result.answer).toContain("There is no FlyWP server web-9");
    expect(result.answer).not.toContain("blog.example.com");
  });

  it("names each site's newest backup, where Fly's catalog would refuse the word for having no snapshot tool", async () => {
    const result = await ask("when was the last backup of each site?", "flywp");
    const { sites, backups } = world.sandbox.flywp.account;
    expect(result.answer.split("\n")[0]).toBe(`The newest backup of each of ${sites.length} sites:`);
    for (const site of sites) {
      const mine = backups.filter((b) => b.site_id === site.id);
      const newest = [...mine].sort((a, b) => (b.created_at ?? "").localeCompare(a.created_at ?? ""))[0];
      expect(result.answer).toContain(`- ${site.domain} (server `);
      expect(result.answer).toContain(
        `newest ${newest?.created_at ?? "?"}, ${newest?.status ?? "?"} (${mine.length} backups)`,
      );
    }
    expect(result.toolCalls.filter((c) => c.tool === "flywp_backups_list")).toHaveLength(sites.length);
    // Fly's own shapes still refuse it: Fly has no read tool for volume snapshots.
    await expect(ask("when was the last backup of each site?", "fly")).rejects.toThrow(/volume snapshots/);
  });

  it("does not answer a FlyWP question with Fly's tools", async () => {
    await expect(ask("how many sites do I have?", "fly")).rejects.toBeInstanceOf(LocalModelCannotAnswer);
  });

  it("plans `add a machine to acme-cron` as a Fly machine, not a FlyWP cron job", async () => {
    const made = await makePlan({
      request: "add a machine to acme-cron",
      model: createLocalModel(),
      ctx: world.runtime.ctx,
      redactor: new Redactor(),
      allowDestructive: false,
    });
    expect(made.plan.steps.map((s) => s.tool)).toEqual(["machines_clone"]);
  });
});
