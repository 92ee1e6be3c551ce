import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.js";
import { resultData, resultText, stdioSession, type StdioSession } from "../support/mcp-client.js";

/**
 * The MCP server serves FlyWP's reads and takes FlyWP plans like Fly's, with no line of its own
 * for them: the catalog says what each tool is, the runtime gives it FlyWP's client.
 */

describe("flyops mcp with FlyWP's tools", () => {
  let session: StdioSession;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "flyops-flywp-mcp-"));
    session = await stdioSession(["--sandbox"], { HOME: dir, XDG_CONFIG_HOME: join(dir, "config") }, dir);
  });
  afterAll(async () => {
    await session.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers a FlyWP read with the sandbox's sites", async () => {
    const fresh = await startSandbox({ port: 0 });
    const expected = fresh.flywp.account.sites.filter((s) => s.server_id === 1).map((s) => s.domain);
    await fresh.close();
    const result = await session.client.callTool({ name: "flywp_sites_list", arguments: { server_id: 1 } });
    expect(result.isError, resultText(result)).toBeFalsy();
    const data = resultData(result) as { rows: { domain: string }[] };
    expect(data.rows.map((r) => r.domain)).toEqual(expected);
  });

  it("writes a proposed FlyWP backup as a plan file with no org, which its review accepts", async () => {
    const result = await session.client.callTool({
      name: "propose_plan",
      arguments: {
        request: "back up blog.example.com",
        summary: "One backup of blog.example.com.",
        steps: [
          {
            id: "s1",
            tool: "flywp_backups_create",
            reason: "asked for",
            input: { server_id: 1, site_id: 11 },
          },
        ],
      },
    });
    expect(result.isError, resultText(result)).toBeFalsy();
    const data = resultData(result) as { plan_file: string; review: { ok: boolean } };
    expect(data.review.ok).toBe(true);
    const plan = JSON.parse(readFileSync(data.plan_file, "utf8")) as {
      org?: string;
      steps: { tool: string }[];
    };
    expect(plan.org).toBeUndefined();
    expect(plan.steps.map((s) => s.tool)).toEqual(["flywp_backups_create"]);
  });
});
