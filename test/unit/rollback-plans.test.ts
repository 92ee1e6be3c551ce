import { describe, expect, it } from "vitest";
import type { ReleaseNode } from "../../src/fly/graphql-releases.js";
import { rollbackTarget } from "../../tools/app-rollback.js";
import { appsCreate } from "../../tools/app-writes.js";
import { invokeTool } from "../../tools/invoke.js";

import { inputOf, localPlans } from "../support/local-plans.js";
/**
 * "roll back APP": the local model plans it, the maker expands it from the app's releases and
 * machines into one image update per machine, and applied, every machine runs the chosen
 * release's image (the demo seed: demo-web v1..v5, acme-api v1..v8 with v8 the incident's).
 */

const local = localPlans();
const { plan, refused, apply } = local;

function imageOf(app: string, version: number): string {
  const release = local.world.sandbox.store.releases(app).find((r) => r.version === version);
  expect(release?.imageRef).toBeTruthy();
  return release?.imageRef ?? "";
}

function liveMachines(app: string) {
  return local.world.sandbox.store.machines(app).filter((m) => m.state !== "destroyed");
}

describe("rollback", () => {
  it("rolls demo-web back to the previous release: one image update per machine, the releases recorded; again, nothing to do", async () => {
    const previous = imageOf("demo-web", 4);
    expect(imageOf("demo-web", 5)).not.toBe(previous);
    const machines = liveMachines("demo-web");
    const made = await plan("roll back demo-web to the previous release");
    expect(made.steps.map((s) => s.tool)).toEqual(machines.map(() => "machines_update"));
    expect(made.steps.map((s) => inputOf(s).machine_id).sort()).toEqual(machines.map((m) => m.id).sort());
    expect(made.steps.every((s) => inputOf(s).image === previous)).toBe(true);
    expect(made.preconditions).toContainEqual({
      tool: "releases_get",
      input: { app: "demo-web", version: 4 },
      expect: { version: 4, imageRef: previous },
    });
    expect(made.preconditions).toContainEqual({
      tool: "releases_list",
      input: { app: "demo-web", limit: 1 },
      expect: { releases: [{ version: 5 }] },
    });
    const report = await apply(made, "rollback.json");
    expect(report.status, report.message).toBe("applied");
    const after = liveMachines("demo-web");
    expect(after.map((m) => m.config.image)).toEqual(after.map(() => previous));
    // The stopped machine got the image and stayed down, as an update with skip_launch leaves it.
    expect(after.map((m) => [m.id, m.state]).sort()).toEqual(machines.map((m) => [m.id, m.state]).sort());
    expect(await refused("roll back demo-web to the previous release")).toMatch(
      /already runs v4's image .*nothing to do/,
    );
  });

  it("rolls acme-api back to v7, the release before the incident's deploy", async () => {
    const v7 = imageOf("acme-api", 7);
    const made = await plan("roll back acme-api to v7");
    const machines = liveMachines("acme-api");
    expect(machines.length).toBeGreaterThan(0);
    expect(made.steps).toHaveLength(machines.length);
    expect(made.steps.every((s) => s.tool === "machines_update" && inputOf(s).image === v7)).toBe(true);
    expect(made.preconditions).toContainEqual({
      tool: "releases_get",
      input: { app: "acme-api", version: 7 },
      expect: { version: 7, imageRef: v7 },
    });
    expect(made.preconditions).toContainEqual({
      tool: "releases_list",
      input: { app: "acme-api", limit: 1 },
      expect: { releases: [{ version: 8 }] },
    });
    const report = await apply(made, "rollback-v7.json");
    expect(report.status, report.message).toBe("applied");
    expect(liveMachines("acme-api").every((m) => m.config.image === v7)).toBe(true);
  });

  it("is not applied when the app was deployed after the plan was made", async () => {
    const machines = liveMachines("demo-web");
    const made = await plan("roll back demo-web to the previous release");
    const [current] = local.world.sandbox.store.releases("demo-web");
    // As if someone deployed v6 meanwhile: the plan rolls back from v5, which is no longer current.
    if (current) current.version = 6;
    const report = await apply(made, "rollback-drift.json");
    expect(report.status).toBe("refused");
    expect(report.message).toContain(
      'expected {"releases":[{"version":5}]}, found {"releases":[{"version":6}]}',
    );
    expect(liveMachines("demo-web").map((m) => m.config.image)).toEqual(machines.map((m) => m.config.image));
  });

  it("is refused for an app without a previous release, a release that does not exist, and the current one", async () => {
    await invokeTool(local.world.runtime.ctx, appsCreate, { app: "fresh-app", org: "personal" });
    expect(await refused("roll back fresh-app to the previous release")).toMatch(/has no releases/);
    expect(await refused("roll back demo-web to v9")).toMatch(/has no release v9/);
    expect(await refused("roll back demo-web to v5")).toMatch(/v5 is demo-web's current release/);
  });
});

describe("rollbackTarget", () => {
  const node = (version: number, imageRef: string | null, status = "complete"): ReleaseNode => ({
    id: `r${version}`,
    version,
    description: "Deploy image",
    reason: "deploy",
    status,
    imageRef,
    stable: true,
    user: null,
    createdAt: "2026-11-01T00:00:00Z",
  });

  it("skips failed releases and releases of the same image; none left is refused", () => {
    const releases = [node(4, "img:d"), node(3, "img:d"), node(2, "img:c", "failed"), node(1, "img:b")];
    expect(rollbackTarget("app", releases).version).toBe(1);
    expect(() => rollbackTarget("app", [node(1, "img:a")])).toThrow(/no completed release before v1/);
    expect(() => rollbackTarget("app", [node(2, "img:a"), node(1, "img:a")])).toThrow(
      /no completed release before v2 with another image/,
    );
  });
});
