import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI_PATH, runCli } from "../support/cli.js";

/** `flyops mcp --print-config CLIENT`: JSON only on stdout, pasteable, starting the server asked for. */

const dir = mkdtempSync(join(tmpdir(), "flyops-mcp-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("flyops mcp --print-config", () => {
  it("prints a stdio snippet that starts this flyops with the same policy and plan folder", async () => {
    const run = await runCli(["mcp", "--print-config", "claude", "--read-only", "--sandbox"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      mcpServers: {
        flyops: {
          command: process.execPath,
          args: [CLI_PATH, "mcp", "--dir", dir, "--read-only", "--sandbox"],
        },
      },
    });
    expect(run.stderr).toContain("claude_desktop_config.json");
  });

  it("prints an HTTP snippet whose Authorization is the client's placeholder, and redacts a credential given as a flag", async () => {
    const held = "fo1_" + "h".repeat(40);
    const run = await runCli(["mcp", "--print-config", "cursor", "--http", "--port", "5123", "--org", held], {
      cwd: dir,
      env: { FLY_API_TOKEN: held },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      mcpServers: {
        flyops: {
          url: "http://127.0.0.1:5123/mcp",
          headers: { Authorization: "Bearer ${env:FLYOPS_MCP_TOKEN}" },
        },
      },
    });
    expect(run.stderr).toContain("flyops mcp --http");
    expect(run.stdout + run.stderr).not.toContain(held);
  });

  it("refuses an unknown client and a free port it cannot name", async () => {
    expect((await runCli(["mcp", "--print-config", "emacs"], { cwd: dir })).code).toBe(2);
    expect(
      (await runCli(["mcp", "--print-config", "vscode", "--http", "--port", "0"], { cwd: dir })).code,
    ).toBe(2);
  });
});
