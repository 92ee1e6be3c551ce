/**
 * Scripted turns shared by the mock OpenAI and Anthropic servers: what the "model" says on each
 * request, plus the loopback plumbing both servers use to record requests.
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ScriptedToolCall {
  name: string;
  /** An object is JSON-encoded; a string is sent as is (to script malformed arguments). */
  arguments: Record<string, unknown> | string;
  /** Provider id; defaults to call_<request>_<n> (OpenAI) or toolu_<request>_<n> (Anthropic). */
  id?: string;
}

export interface ScriptedTurn {
  text?: string;
  toolCalls?: ScriptedToolCall[];
  /** Reported token counts; by default derived from the request and reply sizes. */
  usage?: ScriptedUsage;
  /** "max_tokens" reports a truncated reply (finish_reason "length" / stop_reason "max_tokens"). */
  stop?: "end" | "max_tokens";
  /** Answer with an HTTP error instead of a reply. `retryable: false` sends `x-should-retry: false`. */
  error?: { status: number; message: string; retryable?: boolean };
}

/**
 * Token counts in flyops's sense: `inputTokens` is the whole prompt, cached tokens included. Each mock
 * reports them in its provider's wire format (OpenAI: prompt_tokens with prompt_tokens_details.cached_tokens;
 * Anthropic: input_tokens without the cache, plus cache_read_input_tokens and cache_creation_input_tokens).
 */
export interface ScriptedUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
  cacheWriteTokens?: number;
}

/** Turns replayed in order, or a function answering each request (index counts from 0). */
export type TurnScript<Body> = readonly ScriptedTurn[] | ((body: Body, index: number) => ScriptedTurn);

export interface RecordedModelRequest<Body> {
  method: string;
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Body;
}

export interface MockModelServer<Body> {
  /** The base URL the SDK takes (OpenAI: ends in /v1; Anthropic: without /v1). */
  baseUrl: string;
  /** Every request that reached the server, in arrival order, body parsed from JSON. */
  requests: RecordedModelRequest<Body>[];
  /** A property, not a method, so `afterEach(mock.close)`-style cleanup lists can hold it unbound. */
  close: () => Promise<void>;
}

export function pickTurn<Body>(script: TurnScript<Body>, body: Body, index: number): ScriptedTurn {
  if (typeof script === "function") return script(body, index);
  const turn = script[index];
  if (turn === undefined) {
    return {
      error: {
        status: 500,
        message: `mock model: no scripted turn left for request ${index + 1}`,
        retryable: false,
      },
    };
  }
  return turn;
}

export function argumentsJson(call: ScriptedToolCall): string {
  return typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments);
}

/** Splits text into word-sized deltas so a test can see that streaming preserved order. */
export function textPieces(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text === "" ? [] : [text]);
}

/** Splits a JSON string in two, so clients must join argument fragments. */
export function halves(text: string): string[] {
  if (text.length < 2) return [text];
  const mid = Math.floor(text.length / 2);
  return [text.slice(0, mid), text.slice(mid)];
}

export function defaultUsage(rawBody: string, turn: ScriptedTurn): Required<ScriptedUsage> {
  if (turn.usage) return { cachedInputTokens: 0, cacheWriteTokens: 0, ...turn.usage };
  const toolText = (turn.toolCalls ?? []).map((c) => c.name + argumentsJson(c)).join("");
  return {
    inputTokens: Math.max(1, Math.ceil(rawBody.length / 4)),
    outputTokens: Math.max(1, Math.ceil(((turn.text ?? "").length + toolText.length) / 4)),
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
  };
}

export function errorHeaders(turn: ScriptedTurn): Record<string, string> {
  // Retries in tests should not wait out the SDKs' exponential backoff.
  const headers: Record<string, string> = { "content-type": "application/json", "retry-after-ms": "1" };
  if (turn.error?.retryable === false) headers["x-should-retry"] = "false";
  return headers;
}

export interface SseWriter {
  event(name: string | undefined, data: unknown): void;
  raw(line: string): void;
  end(): void;
}

export function startSse(res: ServerResponse): SseWriter {
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  return {
    event(name, data) {
      res.write(`${name ? `event: ${name}\n` : ""}data: ${JSON.stringify(data)}\n\n`);
    },
    raw(line) {
      res.write(`${line}\n\n`);
    },
    end() {
      res.end();
    },
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

type Handler<Body> = (req: IncomingMessage, res: ServerResponse, rawBody: string, body: Body) => void;

/** Starts a loopback server on an ephemeral port that records each request, then hands it to `handle`. */
export async function startRecordingServer<Body>(
  handle: Handler<Body>,
): Promise<{ origin: string; requests: RecordedModelRequest<Body>[]; close: () => Promise<void> }> {
  const requests: RecordedModelRequest<Body>[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      let body: Body;
      try {
        body = (rawBody === "" ? undefined : JSON.parse(rawBody)) as Body;
      } catch {
        sendJson(res, 400, { error: { message: "mock model: request body is not JSON" } });
        return;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
      }
      requests.push({ method: req.method ?? "", path: req.url ?? "", headers, body });
      handle(req, res, rawBody, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
