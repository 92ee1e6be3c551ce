import { z } from "zod";
import { FlyopsError } from "../src/errors.js";
import { AppReleasesDocument, type ReleaseNode } from "../src/fly/graphql-releases.js";
import { defineTool, nowOf, type ToolContext } from "./define-tool.js";
import * as f from "./fields.js";
import { describeWindow, inWindow, timeField, windowOf } from "./time-window.js";
import { listView, shortImage, type Row } from "./view.js";

/**
 * An app's releases (deploys, rollbacks, secret and config changes that made a new version),
 * newest first, over GraphQL as `fly releases` reads them (fly-go GetAppReleasesMachines; flyctl
 * asks for 25).
 */

const FLYCTL_RELEASES = 25;
const MAX_RELEASES = 100;

interface ReleaseListing {
  app: string;
  releases: ReleaseNode[];
  since?: number;
}

export function releaseRow(release: ReleaseNode): Row {
  return {
    version: `v${release.version}`,
    status: release.status,
    description: release.description,
    reason: release.reason || null,
    image: shortImage(release.imageRef),
    user: release.user?.email ?? null,
    created_at: release.createdAt,
  };
}

export const releasesList = defineTool({
  name: "releases_list",
  command: { verb: "releases", noun: "app", bare: true },
  description:
    'The releases of one app, newest first: version, status, description and reason, image, who made it, when. Filter by since ("1h", "7d") for "what was deployed recently?". Releases of every app together with machine events and secret changes: recent_changes.',
  access: "read",
  input: z
    .object({
      app: f.app,
      since: timeField("Only releases made at or after this time").optional(),
      limit: z
        .number()
        .int()
        .min(1)
        .max(MAX_RELEASES)
        .optional()
        .describe(
          `How many of the newest releases to read (default ${FLYCTL_RELEASES}, at most ${MAX_RELEASES})`,
        ),
    })
    .strict(),
  async run(ctx, input): Promise<ReleaseListing> {
    const window = windowOf(input.since, undefined, nowOf(ctx));
    const releases = (await readReleases(ctx, input.app, input.limit ?? FLYCTL_RELEASES)).filter((r) =>
      inWindow(r.createdAt, window),
    );
    return { app: input.app, releases, since: window.since };
  },
  view: (listing, input) =>
    listView(listing.releases.map(releaseRow), {
      noun: "releases",
      limit: input.limit,
      notes: listing.since === undefined ? [] : [`window: ${describeWindow(listing)}`],
      empty: `no releases of ${listing.app}${listing.since === undefined ? "" : ` ${describeWindow(listing)}`}`,
    }),
});

/** The newest `limit` releases of an app, newest first. */
export async function readReleases(ctx: ToolContext, app: string, limit: number): Promise<ReleaseNode[]> {
  const data = await ctx.fly.graphql.request(
    AppReleasesDocument,
    { appName: app, limit },
    { signal: ctx.signal },
  );
  if (data.app === null)
    throw new FlyopsError(`app ${app} not found`, {
      hint: "`flyops fly list apps` lists the apps the token can see",
    });
  return (data.app.releases.nodes ?? [])
    .filter((r): r is ReleaseNode => r !== null)
    .sort((a, b) => b.version - a.version);
}

/**
 * One release of an app by version, with its full image ref: what a rollback deploys, and the
 * fact its plan records. It is found among the newest 100 of the releases `fly releases` reads
 * for Machines apps (`releasesUnprocessed`), not through the schema's `App.release(version)`,
 * which answers the config-processed `Release` type (spec/fly/fly-schema.graphql); an older
 * release reads as missing.
 */
export const releasesGet = defineTool({
  name: "releases_get",
  description:
    "One release of an app by version number (7 for v7): its status, description, full image ref, who made it and when.",
  access: "read",
  input: z
    .object({
      app: f.app,
      version: z.number().int().min(1).describe("Release version number, e.g. 7 for v7"),
    })
    .strict(),
  async run(ctx, input): Promise<ReleaseNode | undefined> {
    const releases = await readReleases(ctx, input.app, MAX_RELEASES);
    return releases.find((r) => r.version === input.version);
  },
  view: (release, input) =>
    release === undefined
      ? { note: `${input.app} has no release v${input.version}` }
      : {
          ...releaseRow(release),
          image: release.imageRef,
        },
});

export const releaseTools = [releasesList, releasesGet] as const;
