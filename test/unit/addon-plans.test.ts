import { describe, expect, it } from "vitest";

import { localPlans } from "../support/local-plans.js";
/**
 * The local model's add-on change requests (src/llm/local/plan-addons.ts), planned through the
 * real maker against the demo sandbox (src/sandbox/seed-demo-addons.ts) and applied.
 */

const local = localPlans();
const { plan, refused, apply } = local;

describe("create a managed postgres", () => {
  it("plans mpg_create in the org named, and applying it creates the cluster", async () => {
    const made = await plan("create a managed postgres named acme-pg2 in ams in org acme-corp");
    expect(made.steps.map((s) => [s.tool, s.input])).toEqual([
      ["mpg_create", expect.objectContaining({ org: "acme-corp", name: "acme-pg2", region: "ams" })],
    ]);
    const report = await apply(made, "mpg.json");
    expect(report.status, report.message).toBe("applied");
    const created = local.world.sandbox.store.addons.mpgClusters.filter((c) => c.name === "acme-pg2");
    expect(created.map((c) => [c.org, c.region])).toEqual([["acme-corp", "ams"]]);
  });

  it("takes the configured org filter when the request names none", async () => {
    const made = await plan("create a managed postgres named reports-db in ams", false, "personal");
    expect(made.steps[0]?.input).toMatchObject({ org: "personal", name: "reports-db", region: "ams" });
  });

  it("asks which org when the token sees several and none is named or configured", async () => {
    const text = await refused("create a managed postgres named reports-db in ams");
    expect(text).toContain("In which organization?");
    expect(text).toContain("acme-corp");
    expect(text).toContain("personal");
  });

  it("plans nothing for a name the org already has", async () => {
    const text = await refused("create a managed postgres named acme-pg in ams in org acme-corp");
    expect(text).toContain("already has a Managed Postgres cluster named acme-pg");
  });
});

describe("revoke a token", () => {
  it("plans token_revoke by name, only with --allow-destructive, and applying it revokes that token", async () => {
    expect(await refused("revoke token ci-deploy")).toMatch(/destructive/i);
    const made = await plan("revoke token ci-deploy", true);
    expect(made.steps.map((s) => [s.tool, s.input])).toEqual([
      ["token_revoke", { org: "acme-corp", name: "ci-deploy" }],
    ]);
    const report = await apply(made, "revoke.json", { allowDestructive: true });
    expect(report.status, report.message).toBe("applied");
    const tokens = local.world.sandbox.store.addons.tokens;
    expect(tokens.filter((t) => t.revokedAt).map((t) => t.name)).toEqual(["ci-deploy"]);
  });

  it("finds a token by its id, as tokens_list lists it", async () => {
    const token = local.world.sandbox.store.addons.tokens.find((t) => t.name === "metrics-readonly");
    const made = await plan(`revoke token ${token?.id ?? "?"}`, true);
    expect(made.steps[0]).toMatchObject({
      tool: "token_revoke",
      input: { org: "acme-corp", name: "metrics-readonly" },
    });
  });

  it("refuses a token that does not exist, naming those that do", async () => {
    const text = await refused("revoke token nightly-backup", true);
    expect(text).toContain("There is no token nightly-backup");
    for (const name of ["ci-deploy", "metrics-readonly", "old-ci", "dana-laptop"])
      expect(text).toContain(name);
  });
});
