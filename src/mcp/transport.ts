import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { Readable, Writable } from "node:stream";
import type { Redactor } from "../security/redact.js";

/**
 * The one way out of the MCP server, as processIo is the CLI's: every message it sends is
 * redacted, whatever part of the server wrote it (a tool result is redacted already; an error
 * message of the SDK or a review's found values would not be otherwise).
 */
export function redactOutgoing<T extends Transport>(transport: T, redactor: Redactor): T {
  const send = transport.send.bind(transport);
  transport.send = (message, options) => send(redactDeep(message, redactor) as JSONRPCMessage, options);
  return transport;
}

function redactDeep(value: unknown, redactor: Redactor): unknown {
  if (typeof value === "string") return redactor.redact(value);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redactor));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [redactor.redact(key), redactDeep(item, redactor)]),
  );
}

export interface StdioStreams {
  stdin: Readable;
  stdout: Writable;
}

/**
 * Serves one client on stdin/stdout until it goes away (stdin ends) or `signal` aborts. Nothing
 * else may write to stdout meanwhile: it is the protocol's channel.
 */
export async function serveStdio(
  server: Server,
  redactor: Redactor,
  streams: StdioStreams,
  signal?: AbortSignal,
): Promise<void> {
  const closed = new Promise<void>((resolve) => {
    server.onclose = resolve;
  });
  const close = (): void => void server.close();
  streams.stdin.once("end", close);
  streams.stdin.once("close", close);
  signal?.addEventListener("abort", close, { once: true });
  try {
    await server.connect(redactOutgoing(new StdioServerTransport(streams.stdin, streams.stdout), redactor));
    if (signal?.aborted) close();
    await closed;
  } finally {
    streams.stdin.off("end", close);
    streams.stdin.off("close", close);
    signal?.removeEventListener("abort", close);
  }
}
