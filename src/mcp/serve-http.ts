import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { Logger } from "../logger.js";
import type { Redactor } from "../security/redact.js";
import { refuseRequest, type LoopbackHost } from "./http-gate.js";
import { redactOutgoing } from "./transport.js";

/**
 * `flyops mcp --http`: Streamable HTTP at /mcp on a loopback address. Every request passes the gate
 * (http-gate.ts) before the MCP transport reads a byte of it. Stateless: each POST gets a fresh
 * server and transport, answered with JSON; the server keeps no session a client could hijack.
 */

export const MCP_PATH = "/mcp";
// Proposals are the largest requests, a few kilobytes; the SDK's default allows 4 MiB.
const MAX_BODY_BYTES = 256 * 1024;

export interface HttpServeOptions {
  host: LoopbackHost;
  port: number;
  token: string;
  createServer: () => Server;
  redactor: Redactor;
  log: Logger;
}

export interface McpHttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startMcpHttp(options: HttpServeOptions): Promise<McpHttpServer> {
  let port = options.port;
  const http = createServer((req, res) => {
    // A request that fails is that request's problem: it never takes the server down.
    serve(req, res, port, options).catch((error: unknown) => {
      options.log.warn(
        `flyops mcp: a request failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      if (!res.headersSent) reply(res, 500, "the request failed; see the server's stderr");
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port, options.host, () => {
      http.off("error", reject);
      resolve();
    });
  });
  port = (http.address() as AddressInfo).port;
  const host = options.host === "::1" ? "[::1]" : options.host;
  return {
    url: `http://${host}:${port}${MCP_PATH}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, port: number, options: HttpServeOptions) {
  const refused = refuseRequest(req, options.token, port);
  if (refused) {
    const challenge: Record<string, string> = refused.status === 401 ? { "www-authenticate": "Bearer" } : {};
    reply(res, refused.status, refused.message, { ...challenge, connection: "close" });
    req.resume();
    return;
  }
  // Compared as text: parsing a request target as a URL can throw, and the query does not matter.
  if ((req.url ?? "").split("?", 1)[0] !== MCP_PATH) {
    reply(res, 404, `not found: the MCP endpoint is ${MCP_PATH}`);
    req.resume();
    return;
  }
  const server = options.createServer();
  const transport = redactOutgoing(
    new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      maxRequestBodySize: MAX_BODY_BYTES,
    }),
    options.redactor,
  );
  res.on("close", () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res);
}

function reply(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ error: message }));
}
