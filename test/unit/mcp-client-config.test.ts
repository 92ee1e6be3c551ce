import { describe, expect, it } from "vitest";
import { MCP_CLIENTS, clientConfig } from "../../src/mcp/client-config.js";

/** `flyops mcp --print-config`: each client's shape, and no credential in any snippet. */

const STDIO = {
  kind: "stdio",
  command: "/usr/bin/node",
  args: ["/opt/flyops/dist/src/cli/main.js", "mcp"],
} as const;
const HTTP = { kind: "http", url: "http://127.0.0.1:4290/mcp" } as const;

describe("clientConfig", () => {
  it("starts flyops over stdio in each client's own format", () => {
    const server = { command: STDIO.command, args: STDIO.args };
    expect(clientConfig("claude", STDIO).snippet).toEqual({ mcpServers: { flyops: server } });
    expect(clientConfig("cursor", STDIO).snippet).toEqual({ mcpServers: { flyops: server } });
    expect(clientConfig("vscode", STDIO).snippet).toEqual({
      servers: { flyops: { type: "stdio", ...server } },
    });
  });

  it("points each client at the HTTP URL with the token as the client's own placeholder, never a value", () => {
    expect(clientConfig("claude", HTTP).snippet).toEqual({
      mcpServers: {
        flyops: { type: "http", url: HTTP.url, headers: { Authorization: "Bearer ${FLYOPS_MCP_TOKEN}" } },
      },
    });
    expect(clientConfig("cursor", HTTP).snippet).toEqual({
      mcpServers: { flyops: { url: HTTP.url, headers: { Authorization: "Bearer ${env:FLYOPS_MCP_TOKEN}" } } },
    });
    const vscode = clientConfig("vscode", HTTP).snippet as {
      inputs: Array<{ id: string; password: boolean }>;
      servers: { flyops: { headers: { Authorization: string } } };
    };
    expect(vscode.inputs).toEqual([expect.objectContaining({ type: "promptString", password: true })]);
    expect(vscode.servers.flyops.headers.Authorization).toBe(`Bearer \${input:${vscode.inputs[0]!.id}}`);
  });

  it("says where each snippet goes", () => {
    for (const client of MCP_CLIENTS) {
      for (const launch of [STDIO, HTTP]) expect(clientConfig(client, launch).where).not.toBe("");
    }
  });
});
