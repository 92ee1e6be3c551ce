import { z } from "zod";
import type { FlyWpCron, FlyWpDatabase, FlyWpSshKey } from "../src/flywp/schemas.js";
import { defineTool } from "./define-tool.js";
import {
  bodyOf,
  extraFields,
  flywp,
  keyFingerprint,
  publicKey,
  serverExists,
  serverId,
  UNCONFIRMED,
  FLYWP_NOT_REHEARSABLE,
} from "./flywp-fields.js";
import { cronFrequency, cronObjections, refuseUnsafeCron } from "./flywp-cron.js";
import { pick, verdict, type Verdict } from "./step-knowledge.js";
import { listView, short, sortBy } from "./view.js";

// What a FlyWP server holds besides sites: databases (GET /servers/{id}/databases), SSH keys
// (GET/POST /servers/{id}/ssh-keys) and cron jobs (GET/POST /servers/{id}/crons),
// https://docs-2kj.pages.dev/api/overview.

export const flywpDatabasesList = defineTool({
  name: "flywp_databases_list",
  provider: "flywp",
  command: { verb: "list", noun: "databases" },
  description: "List the databases of one FlyWP server: id, name and the site it belongs to.",
  access: "read",
  input: z.object({ server_id: serverId }).strict(),
  async run(ctx, input): Promise<FlyWpDatabase[]> {
    return sortBy(await flywp(ctx).listDatabases(input.server_id, ctx.signal), (d) => d.id, "asc");
  },
  view: (dbs, input) =>
    listView(
      dbs.map((d) => ({ id: d.id, name: d.name ?? null, site_id: d.site_id ?? null })),
      { noun: "databases", notes: [`databases of server ${input.server_id}`] },
    ),
});

export const flywpSshKeysList = defineTool({
  name: "flywp_ssh_keys_list",
  provider: "flywp",
  command: { verb: "list", noun: "ssh-keys" },
  description: "List the SSH keys that may log in to one FlyWP server: id, name and fingerprint.",
  access: "read",
  input: z.object({ server_id: serverId }).strict(),
  async run(ctx, input): Promise<FlyWpSshKey[]> {
    return sortBy(await flywp(ctx).listSshKeys(input.server_id, ctx.signal), (k) => k.id, "asc");
  },
  view: (keys, input) =>
    listView(
      keys.map((k) => ({
        id: k.id,
        name: k.name ?? null,
        fingerprint: k.fingerprint ?? null,
        created_at: k.created_at ?? null,
      })),
      { noun: "SSH keys", notes: [`keys of server ${input.server_id}`] },
    ),
});

export const flywpSshKeysAdd = defineTool({
  name: "flywp_ssh_keys_add",
  provider: "flywp",
  description: `Let an SSH public key log in to a FlyWP server. The key is the one line of a .pub file; a private key is refused and never sent. ${UNCONFIRMED}.`,
  access: "write",
  input: z
    .object({
      server_id: serverId,
      name: z.string().min(1).max(100).describe('A name for the key, e.g. "lee-laptop"'),
      public_key: publicKey,
      extra: extraFields,
    })
    .strict(),
  run: (ctx, input): Promise<FlyWpSshKey> => {
    const body = bodyOf(input.extra, { name: input.name, public_key: input.public_key });
    return flywp(ctx).addSshKey(input.server_id, body, ctx.signal);
  },
  view: (key) => ({ id: key.id, name: key.name ?? null, fingerprint: key.fingerprint ?? null }),
  step: {
    notRehearsable: FLYWP_NOT_REHEARSABLE,
    describe: (input) => `let SSH key ${input.name} log in to FlyWP server ${input.server_id}`,
    effect: (input, result) => ({
      server_id: input.server_id,
      name: input.name,
      ...pick(result, { id: "ssh_key_id" }),
    }),
    reconcile: {
      kind: "check",
      // The name says a key was added; only the fingerprint says it is this key.
      async check(ctx, input): Promise<Verdict> {
        const named = (await flywp(ctx).listSshKeys(input.server_id, ctx.signal)).filter(
          (k) => k.name === input.name,
        );
        const print = keyFingerprint(input.public_key);
        if (named.length > 0 && !named.some((k) => k.fingerprint === print))
          return {
            outcome: "ask",
            note: `server ${input.server_id} has a key named ${input.name}, but not with this key's fingerprint ${print}`,
          };
        return verdict(
          named.length > 0,
          `server ${input.server_id} has key ${input.name} with fingerprint ${print}`,
          `server ${input.server_id} has no key named ${input.name}`,
        );
      },
    },
    preconditions: (input) => [serverExists(input.server_id)],
  },
});

export const flywpCronsList = defineTool({
  name: "flywp_crons_list",
  provider: "flywp",
  command: { verb: "list", noun: "crons" },
  description: "List the cron jobs of one FlyWP server: id, command, frequency and the user it runs as.",
  access: "read",
  input: z.object({ server_id: serverId }).strict(),
  async run(ctx, input): Promise<FlyWpCron[]> {
    return sortBy(await flywp(ctx).listCrons(input.server_id, ctx.signal), (c) => c.id, "asc");
  },
  view: (crons, input) =>
    listView(
      crons.map((c) => ({
        id: c.id,
        command: short(c.command, 120),
        frequency: c.frequency ?? null,
        user: c.user ?? null,
      })),
      { noun: "cron jobs", notes: [`cron jobs of server ${input.server_id}`] },
    ),
});

function sameCron(c: FlyWpCron, input: { command: string; frequency: string }): boolean {
  return c.command === input.command && c.frequency === input.frequency;
}

export const flywpCronsCreate = defineTool({
  name: "flywp_crons_create",
  provider: "flywp",
  description:
    "Add a cron job to a FlyWP server: one plain program with plain arguments (no shell, pipe, quote or redirection) and when it runs. An identical job (same command and frequency) already there is kept and not added twice. No other field is sent: one could change the user it runs as.",
  access: "write",
  input: z
    .object({
      server_id: serverId,
      command: z
        .string()
        .min(1)
        .max(1000)
        .describe('One plain program with plain arguments, e.g. "wp cron event run --due-now"'),
      frequency: cronFrequency,
    })
    .strict(
      "a cron job takes only server_id, command and frequency: FlyWP's docs list no other field, and one (such as user) could change who or what runs",
    ),
  async run(ctx, input): Promise<FlyWpCron> {
    refuseUnsafeCron(input.command);
    const api = flywp(ctx);
    const there = (await api.listCrons(input.server_id, ctx.signal)).find((c) => sameCron(c, input));
    return (
      there ??
      api.createCron(input.server_id, { command: input.command, frequency: input.frequency }, ctx.signal)
    );
  },
  view: (cron) => ({ id: cron.id, command: short(cron.command, 120), frequency: cron.frequency ?? null }),
  step: {
    notRehearsable: FLYWP_NOT_REHEARSABLE,
    describe: (input) =>
      `add cron job \`${input.command}\` (${input.frequency}) to FlyWP server ${input.server_id}`,
    effect: (input, result) => ({ server_id: input.server_id, ...pick(result, { id: "cron_id" }) }),
    reconcile: {
      kind: "check",
      async check(ctx, input) {
        const crons = await flywp(ctx).listCrons(input.server_id, ctx.signal);
        return verdict(
          crons.some((c) => sameCron(c, input)),
          `server ${input.server_id} runs that command on that schedule`,
          `server ${input.server_id} has no such cron job`,
        );
      },
    },
    preconditions: (input) => [serverExists(input.server_id)],
    judge: (input) => cronObjections(input.command),
  },
});
