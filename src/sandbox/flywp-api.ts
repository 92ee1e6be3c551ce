import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { WpRateLimit } from "./flywp-limit.js";
import { seedWpAccount, wpTime, type WpAccount } from "./flywp-seed.js";

/**
 * FlyWP's REST API, as its docs list it (https://docs-2kj.pages.dev/api/overview), under its own
 * prefix on the sandbox's port: Bearer token, JSON, the endpoints for servers, sites, databases,
 * SSH keys, cron jobs and backups, 60 requests a minute per token with the rate-limit headers, 429
 * beyond it, and 422 with an `errors` field. Where the docs are silent (bodies, fields, error
 * texts) it answers as a Laravel API does — `{"data": …}`, `{"message", "errors": {field: [text]}}` —
 * and is strict about what a create needs.
 */

export const FLYWP_PREFIX = "/flywp/api/v1";

export interface FlyWpSandboxOptions {
  /** The only token accepted; the sandbox makes one up when unset. */
  token: string;
  startMs: number;
  nowMs: () => number;
  /** Requests per window (default 60) and the window (default a minute); tests shorten the window. */
  limit?: number;
  windowMs?: number;
  /** The account of a state file, instead of the demo seed. */
  account?: WpAccount;
}

interface Answer {
  status: number;
  body?: unknown;
}

type Json = Record<string, unknown>;

export class FlyWpSandbox {
  readonly account: WpAccount;
  /** Requests that reached the API, and how many of them met the limit (429). */
  readonly stats = { requests: 0, tooMany: 0 };
  private readonly limiter: WpRateLimit;
  private readonly listeners: (() => void)[] = [];
  private nextId: number;

  constructor(private readonly options: FlyWpSandboxOptions) {
    this.account = options.account ?? seedWpAccount(options.startMs);
    this.limiter = new WpRateLimit(options.limit ?? 60, options.windowMs ?? 60_000);
    // New ids follow every id there is, so a reloaded account never hands one out twice.
    const a = this.account;
    const ids = [a.servers, a.sites, a.databases, a.sshKeys, a.crons, a.backups].flatMap((list) =>
      list.map((r) => r.id),
    );
    this.nextId = Math.max(5000, ...ids);
  }

  /** Called after every change to the account (a state file writes it). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  get token(): string {
    return this.options.token;
  }

  /** Answers one request whose path starts with FLYWP_PREFIX. */
  serve(req: IncomingMessage, res: ServerResponse, path: string, body: unknown): void {
    this.stats.requests += 1;
    const method = (req.method ?? "GET").toUpperCase();
    const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization?.trim() ?? "")?.[1];
    if (auth !== this.options.token) return send(res, 401, { message: "Unauthenticated." }, {});
    const verdict = this.limiter.take(auth);
    if (!verdict.allowed) {
      this.stats.tooMany += 1;
      return send(res, 429, { message: "Too Many Attempts." }, verdict.headers);
    }
    const answer = this.route(method, path.slice(FLYWP_PREFIX.length), body);
    if (method === "POST" && answer.status === 201) for (const listener of this.listeners) listener();
    send(res, answer.status, answer.body, verdict.headers);
  }

  private route(method: string, path: string, body: unknown): Answer {
    const match = /^\/(servers|sites)(?:\/(\d{1,9}))?(?:\/(sites|databases|ssh-keys|crons|backups))?$/.exec(
      path,
    );
    if (!match) return { status: 404, body: { message: `The route ${path} could not be found.` } };
    const [, root, rawId, sub] = match;
    const id = rawId === undefined ? undefined : Number(rawId);
    if (root === "servers" && id === undefined && sub === undefined)
      return method === "GET"
        ? list(this.account.servers)
        : method === "POST"
          ? this.createServer(body)
          : notAllowed();
    if (id === undefined) return { status: 404, body: { message: "Not found." } };
    if (root === "sites") {
      if (sub !== "backups") return { status: 404, body: { message: "Not found." } };
      if (!this.account.sites.some((s) => s.id === id)) return missing("site");
      return method === "GET"
        ? list(this.account.backups.filter((b) => b.site_id === id).sort(newestFirst))
        : method === "POST"
          ? this.backup(id)
          : notAllowed();
    }
    const server = this.account.servers.find((s) => s.id === id);
    if (!server) return missing("server");
    const own = <T extends { server_id: number }>(items: T[]): Answer =>
      list(items.filter((i) => i.server_id === id));
    switch (sub) {
      case undefined:
        return method === "GET" ? { status: 200, body: { data: server } } : notAllowed();
      case "sites":
        return method === "GET"
          ? own(this.account.sites)
          : method === "POST"
            ? this.createSite(id, body)
            : notAllowed();
      case "databases":
        return method === "GET" ? own(this.account.databases) : notAllowed();
      case "ssh-keys":
        return method === "GET"
          ? own(this.account.sshKeys)
          : method === "POST"
            ? this.addKey(id, body)
            : notAllowed();
      case "crons":
        return method === "GET"
          ? own(this.account.crons)
          : method === "POST"
            ? this.createCron(id, body)
            : notAllowed();
      default:
        return { status: 404, body: { message: "Not found." } };
    }
  }

  private now(): string {
    return wpTime(this.options.nowMs());
  }

  private createServer(body: unknown): Answer {
    const b = record(body);
    const invalid = required(b, ["name"]);
    if (invalid) return invalid;
    if (this.account.servers.some((s) => s.name === b.name))
      return unprocessable({ name: ["The name has already been taken."] });
    const server = {
      id: ++this.nextId,
      name: String(b.name),
      status: "provisioning",
      ip_address: "",
      region: str(b.region, "fra1"),
      provider: str(b.provider, "digitalocean"),
      created_at: this.now(),
    };
    this.account.servers.push(server);
    return { status: 201, body: { data: server } };
  }

  private createSite(serverId: number, body: unknown): Answer {
    const b = record(body);
    const invalid = required(b, ["domain"]);
    if (invalid) return invalid;
    if (this.account.sites.some((s) => s.domain === b.domain))
      return unprocessable({ domain: ["The domain has already been taken."] });
    const site = {
      id: ++this.nextId,
      server_id: serverId,
      domain: String(b.domain),
      status: "installing",
      php_version: str(b.php_version, "8.3"),
      created_at: this.now(),
    };
    this.account.sites.push(site);
    this.account.databases.push({
      id: ++this.nextId,
      server_id: serverId,
      site_id: site.id,
      name: site.domain.replace(/\./g, "_"),
    });
    return { status: 201, body: { data: site } };
  }

  private addKey(serverId: number, body: unknown): Answer {
    const b = record(body);
    const invalid = required(b, ["name", "public_key"]);
    if (invalid) return invalid;
    if (!/^(ssh-|ecdsa-|sk-)/.test(String(b.public_key)) || /PRIVATE KEY/.test(String(b.public_key)))
      return unprocessable({ public_key: ["The public key is not a valid SSH public key."] });
    const key = {
      id: ++this.nextId,
      server_id: serverId,
      name: String(b.name),
      fingerprint: fingerprintOf(String(b.public_key)),
      created_at: this.now(),
    };
    this.account.sshKeys.push(key);
    return { status: 201, body: { data: key } };
  }

  private createCron(serverId: number, body: unknown): Answer {
    const b = record(body);
    const invalid = required(b, ["command", "frequency"]);
    if (invalid) return invalid;
    const cron = {
      id: ++this.nextId,
      server_id: serverId,
      command: String(b.command),
      frequency: String(b.frequency),
      user: str(b.user, "fly"),
      created_at: this.now(),
    };
    this.account.crons.push(cron);
    return { status: 201, body: { data: cron } };
  }

  /** A backup is made at once in the sandbox; FlyWP's docs do not say how long one takes. */
  private backup(siteId: number): Answer {
    const backup = {
      id: ++this.nextId,
      site_id: siteId,
      status: "completed",
      size: 42_000_000,
      created_at: this.now(),
    };
    this.account.backups.push(backup);
    return { status: 201, body: { data: backup } };
  }
}

/** As `ssh-keygen -l` prints it: "SHA256:" and the unpadded base64 of the key blob's SHA-256. */
function fingerprintOf(line: string): string {
  const blob = Buffer.from(line.split(" ")[1] ?? "", "base64");
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body ?? {}));
}

function list(items: readonly unknown[]): Answer {
  return { status: 200, body: { data: items } };
}

function newestFirst(a: { created_at: string }, b: { created_at: string }): number {
  return b.created_at.localeCompare(a.created_at);
}

function missing(what: string): Answer {
  return { status: 404, body: { message: `No ${what} with that id.` } };
}

function notAllowed(): Answer {
  return { status: 405, body: { message: "The method is not supported for this route." } };
}

function unprocessable(errors: Record<string, string[]>): Answer {
  const first = Object.values(errors)[0]?.[0] ?? "The given data was invalid.";
  return { status: 422, body: { message: first, errors } };
}

function record(body: unknown): Json {
  return body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Json) : {};
}

function required(body: Json, fields: readonly string[]): Answer | undefined {
  const errors: Record<string, string[]> = {};
  for (const field of fields) {
    const value = body[field];
    if (typeof value !== "string" || value.trim() === "")
      errors[field] = [`The ${field.replace(/_/g, " ")} field is required.`];
  }
  return Object.keys(errors).length > 0 ? unprocessable(errors) : undefined;
}

function str(value: unknown, fallback: string): string {
  return typeof value === "string" && value !== "" ? value : fallback;
}
