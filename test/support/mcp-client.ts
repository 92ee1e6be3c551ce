import { spawn, type ChildProcess } from "node:child_process";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { CLI_PATH } from "./cli.js";

/**
 * The MCP SDK's own client against the built CLI: `flyops mcp` spawned over stdio, or started with
 * --http and reached over Streamable HTTP. Every message the server sends is kept, so a test can
 * look for what must never appear in any of them.
 */

export interface McpSession {
  client: Client;
  /** Every JSON-RPC message received from the server, as JSON text. */
  received: string[];
  close(): Promise<void>;
}

function recording(transport: Transport): string[] {
  const received: string[] = [];
  // The client's Protocol keeps a handler set before connect and calls it first with every message.
  transport.onmessage = (message) => received.push(JSON.stringify(message));
  return received;
}

async function connected(transport: Transport): Promise<McpSession> {
  const received = recording(transport);
  const client = new Client({ name: "flyops-test", version: "1.0.0" });
  await client.connect(transport);
  return { client, received, close: () => client.close() };
}

export interface StdioSession extends McpSession {
  /** What the server wrote on stderr so far. */
  stderr(): string;
}

export async function stdioSession(
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<StdioSession> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI_PATH, "mcp", ...args],
    env: { PATH: process.env.PATH ?? "", ...env },
    cwd,
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const session = await connected(transport);
  return { ...session, stderr: () => stderr };
}

export interface HttpServerProcess {
  url: string;
  /** The token it printed, or undefined when it was given one. */
  printedToken: string | undefined;
  stderr(): string;
  stop(): Promise<number | null>;
}

const LISTENING = /serving .* at (http:\/\/\S+)\n/;
const PRINTED_TOKEN = /shown once[^:]*: (\S+)\n/;

/** `flyops mcp --http --port 0 ARGS`, up once it says where it listens. */
export async function startHttpServer(
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<HttpServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [CLI_PATH, "mcp", "--http", "--port", "0", ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      const match = LISTENING.exec(stderr);
      if (match && stderr.includes("press Ctrl-C")) resolve(match[1]!);
    });
    void exited.then((code) =>
      reject(new Error(`flyops mcp --http exited (${code}) before listening:\n${stderr}`)),
    );
  });
  return {
    url,
    printedToken: PRINTED_TOKEN.exec(stderr)?.[1],
    stderr: () => stderr,
    stop: async () => {
      child.kill("SIGTERM");
      return exited;
    },
  };
}

export function httpSession(url: string, token: string | undefined): Promise<McpSession> {
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  return connected(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
}

/** The text of a tool result's one content item. */
export function resultText(result: unknown): string {
  const content = (result as CallToolResult).content;
  const first = content[0];
  if (content.length !== 1 || first?.type !== "text")
    throw new Error(`expected one text item: ${JSON.stringify(result)}`);
  return first.text;
}

/** The JSON inside a result's <data> … </data> envelope. */
export function resultData(result: unknown): unknown {
  const text = resultText(result);
  const start = text.indexOf("<data>\n");
  const end = text.lastIndexOf("\n</data>");
  if (start < 0 || end < start) throw new Error(`no data envelope in: ${text}`);
  return JSON.parse(text.slice(start + "<data>\n".length, end)) as unknown;
}
