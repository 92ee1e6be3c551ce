import { z } from "zod";
import type { FlyWpApi } from "../src/flywp/api.js";
import type { FlyWpBackup } from "../src/flywp/schemas.js";
import { defineTool, nowOf } from "./define-tool.js";
import {
  bodyOf,
  extraFields,
  flywp,
  serverId,
  siteId,
  UNCONFIRMED,
  FLYWP_NOT_REHEARSABLE,
} from "./flywp-fields.js";
import { RefusedError } from "../src/errors.js";
import { pick, verdict, type Verdict } from "./step-knowledge.js";
import { listView, sortBy } from "./view.js";

// A site's backups: GET/POST /sites/{id}/backups (https://docs-2kj.pages.dev/api/overview).

export const flywpBackupsList = defineTool({
  name: "flywp_backups_list",
  provider: "flywp",
  command: { verb: "list", noun: "backups" },
  description: "List the backups of one FlyWP site, newest first: id, status, size and when it was made.",
  access: "read",
  input: z.object({ site_id: siteId }).strict(),
  async run(ctx, input): Promise<FlyWpBackup[]> {
    return sortBy(await flywp(ctx).listBackups(input.site_id, ctx.signal), (b) => b.created_at ?? "", "desc");
  },
  view: (backups, input) =>
    listView(
      backups.map((b) => ({
        id: b.id,
        status: b.status ?? null,
        size: b.size ?? null,
        created_at: b.created_at ?? null,
      })),
      { noun: "backups", notes: [`backups of site ${input.site_id}`] },
    ),
});

// A time FlyWP gives is read only with its zone ("Z" or "+02:00"): a naive "2026-12-07 10:00:00"
// could be any zone, so it is unknown, not this machine's local time.
const ZONED = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

function instant(text: string | null | undefined): number | undefined {
  if (text == null || !ZONED.test(text)) return undefined;
  const ms = Date.parse(text.replace(" ", "T"));
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The site's backups made since `after` (the time the plan was made): a `completed` one means the
 * step's work is done; one still pending or running is in progress (it may yet fail), never done.
 */
async function backupsSince(api: FlyWpApi, siteIdValue: number, after: string, signal?: AbortSignal) {
  const since = instant(after) ?? Number.POSITIVE_INFINITY;
  const made = (await api.listBackups(siteIdValue, signal)).filter(
    (b) => (instant(b.created_at) ?? -1) >= since,
  );
  return {
    done: made.find((b) => b.status === "completed"),
    running: made.find((b) => b.status !== "completed" && b.status !== "failed"),
  };
}

export const flywpBackupsCreate = defineTool({
  name: "flywp_backups_create",
  provider: "flywp",
  description: `Back up one FlyWP site now. With \`after\` (an ISO time; plans set it to when the plan was made), a completed backup of the site made since then counts as done and none is triggered, so applying a plan again makes no duplicate; one still in progress is waited for, not counted. ${UNCONFIRMED}.`,
  access: "write",
  input: z
    .object({
      server_id: serverId.describe("The FlyWP server the site is on (a plan checks the site is there)"),
      site_id: siteId,
      after: z
        .string()
        .datetime({ offset: true })
        .optional()
        .describe('A backup made since this time counts as done, e.g. "2026-12-07T10:00:00Z"'),
      extra: extraFields,
    })
    .strict(),
  async run(ctx, input): Promise<FlyWpBackup> {
    const api = flywp(ctx);
    const { site_id, after } = input;
    const since = after === undefined ? undefined : await backupsSince(api, site_id, after, ctx.signal);
    if (since?.done) return since.done;
    if (since?.running)
      throw new RefusedError(
        `site ${site_id} has backup ${since.running.id} made since ${after ?? ""}, still ${since.running.status ?? "in progress"}; nothing was triggered`,
        { hint: "wait for it to finish, then apply again with --resume" },
      );
    return api.triggerBackup(site_id, bodyOf(input.extra, {}), ctx.signal);
  },
  view: (backup) => ({ id: backup.id, status: backup.status ?? null, created_at: backup.created_at ?? null }),
  step: {
    notRehearsable: FLYWP_NOT_REHEARSABLE,
    describe: (input) =>
      `back up FlyWP site ${input.site_id} on server ${input.server_id}${input.after ? ` (unless it has a backup made since ${input.after})` : ""}`,
    effect: (input, result) => ({
      server_id: input.server_id,
      site_id: input.site_id,
      ...pick(result, { id: "backup_id" }),
    }),
    // The plan's time makes the step say "a backup since then": made again, it finds its own.
    complete: (ctx, input) =>
      Promise.resolve(
        input.after === undefined
          ? {
              ...input,
              after: new Date(Math.floor(nowOf(ctx) / 1000) * 1000).toISOString().replace(".000Z", "Z"),
            }
          : input,
      ),
    reconcile: {
      kind: "check",
      async check(ctx, input): Promise<Verdict> {
        const since =
          input.after === undefined ? undefined : await backupsSince(flywp(ctx), input.site_id, input.after);
        if (since?.running && !since.done)
          return {
            outcome: "ask",
            note: `site ${input.site_id} has backup ${since.running.id} made since ${input.after ?? ""}, still ${since.running.status ?? "in progress"}: wait for it, or decide`,
          };
        return verdict(
          since?.done !== undefined,
          `site ${input.site_id} has completed backup ${since?.done?.id ?? ""} made since ${input.after ?? "the plan"}`,
          `site ${input.site_id} has no completed backup made since ${input.after ?? "the plan"}`,
        );
      },
    },
    preconditions: (input) => [
      {
        tool: "flywp_sites_get",
        input: { server_id: input.server_id, site_id: input.site_id },
        expect: { exists: true },
      },
    ],
  },
});
