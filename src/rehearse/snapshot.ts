import type { ToolContext } from "../../tools/define-tool.js";
import { hostname } from "../../tools/id-fields.js";
import { orMissing } from "../../tools/step-knowledge.js";
import { OrganizationsDocument, type OrganizationSummary } from "../fly/graphql-documents.js";
import { AppReleasesDocument } from "../fly/graphql-releases.js";
import { FlyopsError } from "../errors.js";
import type { OrgRecord, SandboxState, UserRecord } from "../sandbox/types.js";
import {
  appRecord,
  certRecord,
  ipRecord,
  machineRecord,
  releaseRecord,
  secretRecord,
  shaped,
  volumeRecord,
} from "./snapshot-records.js";

/**
 * A copy of the live apps a plan touches, as sandbox state (the format `flyops sandbox --state`
 * reads), made by reads alone: the client given here is a read-only one (src/fly/read-only.ts), so
 * a bug in this file can still send nothing else. Secret values are never read — Fly's list of an
 * app's secrets has names and digests only — and no token goes into the state.
 */

export interface SnapshotRequest {
  /** Apps to copy whole; one that does not exist on Fly is left out, as it is missing there. */
  apps: readonly string[];
  /** Orgs to copy (their records, and with `wholeOrgs` every app of theirs). */
  orgs: readonly string[];
  wholeOrgs?: boolean;
  /** When the copy was made, for the records Fly gives no time for. */
  now: Date;
}

/** The neutral viewer of a copy: a rehearsal acts as nobody's account and holds no one's email. */
const VIEWER: UserRecord = {
  id: "rehearsal-viewer",
  email: "rehearsal@flyops.invalid",
  name: "flyops rehearsal",
  username: "rehearsal",
  createdAt: "1970-01-01T00:00:00Z",
};

const RELEASES_KEPT = 25;

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

async function organizations(ctx: ToolContext): Promise<OrganizationSummary[]> {
  return ctx.fly.graphql.paginate(OrganizationsDocument, {}, (data) => data.organizations, {
    signal: ctx.signal,
  });
}

/** The org as the sandbox keeps it; "personal" names the viewer's personal org, as on Fly. */
function orgRecord(all: OrganizationSummary[], slug: string, numericId: number): OrgRecord | undefined {
  const org =
    all.find((o) => o.slug === slug) ??
    (slug === "personal" ? all.find((o) => o.type === "PERSONAL") : undefined);
  if (!org) return undefined;
  return {
    id: org.id,
    slug: org.slug,
    name: org.name,
    type: org.type,
    internalNumericId: numericId,
    members: [{ userId: VIEWER.id, role: "ADMIN", joinedAt: VIEWER.createdAt }],
  };
}

interface OwningOrg {
  slug: string;
  numericId: number;
}

async function copyApp(
  ctx: ToolContext,
  name: string,
  now: string,
  state: SandboxState,
): Promise<OwningOrg | undefined> {
  const { rest, graphql } = ctx.fly;
  const app = await orMissing(rest.getApp(name, ctx.signal));
  if (!app) return undefined;
  const org = app.organization?.slug;
  if (!org) throw new FlyopsError(`cannot copy app ${name}: Fly did not say which organization owns it`);
  state.apps.push(appRecord(app, org, now));
  const machines = await rest.listMachines(name, {}, ctx.signal);
  state.machines.push(...machines.map((m) => machineRecord(name, m)));
  for (const volume of await rest.listVolumes(name, {}, ctx.signal)) {
    // Its id goes into the next read's path: checked first.
    volumeRecord(name, volume, []);
    const snapshots = await rest.listVolumeSnapshots(name, volume.id, ctx.signal);
    state.volumes.push(volumeRecord(name, volume, snapshots));
  }
  state.secrets.push(...(await rest.listSecrets(name, ctx.signal)).map((s) => secretRecord(name, s)));
  state.ips.push(...(await rest.listIpAssignments(name, ctx.signal)).map((ip) => ipRecord(name, ip)));
  const certs = await rest.listCertificates(name, {}, {}, ctx.signal);
  for (const cert of certs.items) {
    shaped(hostname, cert.hostname, `a certificate of app ${name}`);
    const detail = await rest.getCertificate(name, cert.hostname, ctx.signal);
    state.certs.push(certRecord(name, cert, detail));
  }
  const releases = await graphql.request(
    AppReleasesDocument,
    { appName: name, limit: RELEASES_KEPT },
    { signal: ctx.signal },
  );
  for (const node of releases.app?.releases.nodes ?? [])
    if (node) state.releases?.push(releaseRecord(name, node));
  const numericId = (app.organization as { internal_numeric_id?: unknown }).internal_numeric_id;
  return { slug: org, numericId: typeof numericId === "number" ? numericId : 0 };
}

/** Reads the apps and orgs asked for from Fly and returns them as sandbox state. */
export async function takeSnapshot(ctx: ToolContext, request: SnapshotRequest): Promise<SandboxState> {
  const now = isoSeconds(request.now);
  const state: SandboxState = {
    version: 1,
    counter: 1,
    viewer: VIEWER.id,
    users: [VIEWER],
    orgs: [],
    apps: [],
    machines: [],
    volumes: [],
    secrets: [],
    ips: [],
    certs: [],
    releases: [],
  };
  const allOrgs = await organizations(ctx);
  const apps = new Set(request.apps);
  if (request.wholeOrgs) {
    for (const org of request.orgs) {
      const slug = orgRecord(allOrgs, org, 0)?.slug ?? org;
      for (const app of await ctx.fly.rest.listApps(slug, ctx.signal)) apps.add(app.name);
    }
  }
  const orgs = new Map<string, number>(request.orgs.map((slug) => [slug, 0]));
  for (const app of [...apps].sort()) {
    const org = await copyApp(ctx, app, now, state);
    if (org) orgs.set(org.slug, org.numericId);
  }
  const seen = new Set<string>();
  for (const [slug, numeric] of [...orgs].sort(([a], [b]) => a.localeCompare(b))) {
    const record = orgRecord(allOrgs, slug, numeric);
    if (!record || seen.has(record.slug)) continue;
    seen.add(record.slug);
    state.orgs.push(record);
  }
  return state;
}
