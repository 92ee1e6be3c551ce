import { z } from "zod";
import { ConfigError, FlyopsError } from "../errors.js";
import type { FlyWpClient } from "./client.js";
import { FLYWP_TOKEN_HINT } from "./errors.js";
import { FlyWpBackup, FlyWpCron, FlyWpDatabase, FlyWpServer, FlyWpSite, FlyWpSshKey } from "./schemas.js";

/**
 * FlyWP's endpoints as flyops uses them (https://docs-2kj.pages.dev/api/overview): servers
 * (GET/POST /servers, GET /servers/{id}), sites (GET/POST /servers/{id}/sites), databases
 * (GET /servers/{id}/databases), SSH keys (GET/POST /servers/{id}/ssh-keys), cron jobs
 * (GET/POST /servers/{id}/crons) and backups (GET/POST /sites/{id}/backups).
 */
export interface FlyWpApi {
  listServers(signal?: AbortSignal): Promise<FlyWpServer[]>;
  getServer(serverId: number, signal?: AbortSignal): Promise<FlyWpServer>;
  createServer(body: Record<string, unknown>, signal?: AbortSignal): Promise<FlyWpServer>;
  listSites(serverId: number, signal?: AbortSignal): Promise<FlyWpSite[]>;
  createSite(serverId: number, body: Record<string, unknown>, signal?: AbortSignal): Promise<FlyWpSite>;
  listDatabases(serverId: number, signal?: AbortSignal): Promise<FlyWpDatabase[]>;
  listSshKeys(serverId: number, signal?: AbortSignal): Promise<FlyWpSshKey[]>;
  addSshKey(serverId: number, body: Record<string, unknown>, signal?: AbortSignal): Promise<FlyWpSshKey>;
  listCrons(serverId: number, signal?: AbortSignal): Promise<FlyWpCron[]>;
  createCron(serverId: number, body: Record<string, unknown>, signal?: AbortSignal): Promise<FlyWpCron>;
  listBackups(siteId: number, signal?: AbortSignal): Promise<FlyWpBackup[]>;
  triggerBackup(siteId: number, body: Record<string, unknown>, signal?: AbortSignal): Promise<FlyWpBackup>;
}

/** The answer did not have the shape flyops reads (an id on every record). */
export class FlyWpShapeError extends FlyopsError {}

function read<S extends z.ZodTypeAny>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as z.infer<S>;
  const issue = parsed.error.issues[0];
  throw new FlyWpShapeError(
    `FlyWP answered ${what} with something flyops cannot read (${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"})`,
    { hint: "FLYWP_API_URL may point at something other than FlyWP's API" },
  );
}

export function flyWpApi(client: FlyWpClient): FlyWpApi {
  const list =
    <S extends z.ZodTypeAny>(schema: S, path: (id: number) => string, what: string) =>
    async (owner: number, signal?: AbortSignal): Promise<z.infer<S>[]> =>
      read(z.array(schema), await client.list(path(owner), signal), what);
  const create =
    <S extends z.ZodTypeAny>(schema: S, path: (id: number) => string, what: string) =>
    async (owner: number, body: Record<string, unknown>, signal?: AbortSignal): Promise<z.infer<S>> =>
      read(schema, await client.request({ method: "POST", path: path(owner), body, signal }), what);
  const servers = (id: number): string => `/servers/${id}`;
  const sites = (id: number): string => `/sites/${id}`;
  return {
    listServers: async (signal) =>
      read(z.array(FlyWpServer), await client.list("/servers", signal), "servers"),
    getServer: async (serverId, signal) =>
      read(FlyWpServer, await client.request({ method: "GET", path: servers(serverId), signal }), "a server"),
    createServer: async (body, signal) =>
      read(
        FlyWpServer,
        await client.request({ method: "POST", path: "/servers", body, signal }),
        "a new server",
      ),
    listSites: list(FlyWpSite, (id) => `${servers(id)}/sites`, "sites"),
    createSite: create(FlyWpSite, (id) => `${servers(id)}/sites`, "a new site"),
    listDatabases: list(FlyWpDatabase, (id) => `${servers(id)}/databases`, "databases"),
    listSshKeys: list(FlyWpSshKey, (id) => `${servers(id)}/ssh-keys`, "SSH keys"),
    addSshKey: create(FlyWpSshKey, (id) => `${servers(id)}/ssh-keys`, "a new SSH key"),
    listCrons: list(FlyWpCron, (id) => `${servers(id)}/crons`, "cron jobs"),
    createCron: create(FlyWpCron, (id) => `${servers(id)}/crons`, "a new cron job"),
    listBackups: list(FlyWpBackup, (id) => `${sites(id)}/backups`, "backups"),
    triggerBackup: create(FlyWpBackup, (id) => `${sites(id)}/backups`, "a new backup"),
  };
}

/** A tool of FlyWP's needs its API: configured, or a ConfigError naming where a token is read from. */
export function requireFlyWp(api: FlyWpApi | undefined): FlyWpApi {
  if (api) return api;
  throw new ConfigError("no FlyWP API token: set FLYWP_API_TOKEN, or flywp.api_token in the config file", {
    hint: `${FLYWP_TOKEN_HINT}; or try it offline with --sandbox`,
  });
}
