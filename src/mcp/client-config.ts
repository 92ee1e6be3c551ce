import { TOKEN_VARIABLE } from "./http-gate.js";

/**
 * What a person pastes into an MCP client to use flyops: `flyops mcp --print-config CLIENT`. The
 * snippet names how to start flyops (stdio) or where it listens (--http); it never holds a
 * credential. Formats: Claude Desktop and Claude Code read `mcpServers` (Claude Code's .mcp.json
 * also takes `type: "http"` with `headers`, expanding `${VAR}`: code.claude.com/docs/en/mcp);
 * Cursor reads `mcpServers` with `url` and `headers`, expanding `${env:VAR}` (cursor.com/docs/mcp);
 * VS Code reads `servers` with `type`, and asks for a secret through `inputs`
 * (code.visualstudio.com/docs/copilot/reference/mcp-configuration).
 */

export const MCP_CLIENTS = ["claude", "cursor", "vscode"] as const;
export type McpClient = (typeof MCP_CLIENTS)[number];

export type Launch =
  { kind: "stdio"; command: string; args: readonly string[] } | { kind: "http"; url: string };

const SERVER_NAME = "flyops";
const VSCODE_INPUT = "flyops-mcp-token";

export interface ClientConfig {
  /** The JSON to paste. */
  snippet: Record<string, unknown>;
  /** Where it goes, and what else the person must do. */
  where: string;
}

export function clientConfig(client: McpClient, launch: Launch): ClientConfig {
  switch (client) {
    case "claude":
      return launch.kind === "stdio"
        ? {
            snippet: { mcpServers: { [SERVER_NAME]: { command: launch.command, args: launch.args } } },
            where: "Claude Desktop: claude_desktop_config.json; Claude Code: .mcp.json in the project",
          }
        : {
            snippet: {
              mcpServers: {
                [SERVER_NAME]: {
                  type: "http",
                  url: launch.url,
                  headers: { Authorization: `Bearer \${${TOKEN_VARIABLE}}` },
                },
              },
            },
            where: `Claude Code: .mcp.json in the project; export ${TOKEN_VARIABLE} where Claude Code starts`,
          };
    case "cursor":
      return launch.kind === "stdio"
        ? {
            snippet: { mcpServers: { [SERVER_NAME]: { command: launch.command, args: launch.args } } },
            where: "Cursor: ~/.cursor/mcp.json, or .cursor/mcp.json in the project",
          }
        : {
            snippet: {
              mcpServers: {
                [SERVER_NAME]: {
                  url: launch.url,
                  headers: { Authorization: `Bearer \${env:${TOKEN_VARIABLE}}` },
                },
              },
            },
            where: `Cursor: ~/.cursor/mcp.json, or .cursor/mcp.json in the project; export ${TOKEN_VARIABLE} where Cursor starts`,
          };
    case "vscode":
      return launch.kind === "stdio"
        ? {
            snippet: {
              servers: { [SERVER_NAME]: { type: "stdio", command: launch.command, args: launch.args } },
            },
            where:
              "VS Code: .vscode/mcp.json in the workspace, or the user mcp.json (MCP: Open User Configuration)",
          }
        : {
            snippet: {
              inputs: [
                {
                  type: "promptString",
                  id: VSCODE_INPUT,
                  description: `flyops mcp bearer token (${TOKEN_VARIABLE} of the server)`,
                  password: true,
                },
              ],
              servers: {
                [SERVER_NAME]: {
                  type: "http",
                  url: launch.url,
                  headers: { Authorization: `Bearer \${input:${VSCODE_INPUT}}` },
                },
              },
            },
            where: "VS Code: .vscode/mcp.json in the workspace; VS Code asks for the token once and keeps it",
          };
  }
}
