import { z } from "zod";
import type { CertificateDetail, CertificateSummary } from "../src/fly/schemas.js";
import { defineTool } from "./define-tool.js";
import * as f from "./fields.js";
import { appExists, identity, orMissing, type StepKnowledge, type Verdict } from "./step-knowledge.js";
import type { ToolContext } from "./define-tool.js";
import * as ids from "./id-fields.js";
import { listView, markIncomplete, sortBy, type Limited } from "./view.js";

const certRef = z.object({ app: f.app, hostname: f.hostname }).strict();
type CertRef = z.infer<typeof certRef>;

/** Whether the app has a certificate for the hostname is what a resumed add or remove needs to know. */
async function presence(ctx: ToolContext, input: CertRef, wanted: boolean): Promise<Verdict> {
  const cert = await orMissing(ctx.fly.rest.getCertificate(input.app, input.hostname, ctx.signal));
  const present = cert !== undefined;
  return present === wanted
    ? { outcome: "done", note: `the certificate is already ${present ? "there" : "gone"}` }
    : {
        outcome: "rerun",
        note: `the certificate is ${present ? "still there" : "not there yet"}; running the step again`,
      };
}

function certStep(describe: (i: CertRef) => string, reconcile: StepKnowledge<CertRef, unknown>["reconcile"]) {
  return {
    describe,
    effect: (input: CertRef) => identity(input),
    reconcile,
    preconditions: (input: CertRef) => [appExists(input.app)],
  };
}

export const certsList = defineTool({
  name: "certs_list",
  command: { verb: "list", noun: "certs" },
  description:
    "List an app's TLS certificates for custom domains: hostname, status, whether DNS is configured, created time.",
  access: "read",
  input: z
    .object({
      app: f.app,
      hostname_contains: ids.hostnameFragment.optional().describe("Only hostnames containing this text"),
    })
    .strict(),
  async run(ctx, input): Promise<Limited<CertificateSummary>> {
    const page = await ctx.fly.rest.listCertificates(
      input.app,
      { filter: input.hostname_contains },
      {},
      ctx.signal,
    );
    const gaps = page.truncated ? [`app ${input.app}: not every page of certificates was read`] : [];
    for (const gap of gaps) ctx.log.warn(gap);
    return markIncomplete(
      sortBy(page.items, (c) => c.hostname, "asc"),
      gaps,
    );
  },
  view: (certs) =>
    listView(
      certs.map((c) => ({
        hostname: c.hostname,
        status: c.status ?? null,
        configured: c.configured ?? null,
        source: c.has_custom_certificate ? "custom" : c.has_fly_certificate ? "fly" : null,
        created_at: c.created_at ?? null,
      })),
      { noun: "certificates", incomplete: certs.incomplete },
    ),
});

export const certsGet = defineTool({
  name: "certs_get",
  description:
    "Show a custom domain's certificate as Fly last checked it: status, DNS records Fly expects, issued certificates, validation errors. Use it to answer why a certificate is not issued. Reads only; it does not ask Fly to check again (certs_check does).",
  access: "read",
  input: certRef,
  run: (ctx, input) => ctx.fly.rest.getCertificate(input.app, input.hostname, ctx.signal),
  view: certView,
});

export const certsAdd = defineTool({
  name: "certs_add",
  description:
    "Add a custom domain to an app and request a Let's Encrypt certificate for it. Returns the DNS records to create.",
  access: "write",
  input: certRef,
  run: (ctx, input) => ctx.fly.rest.addAcmeCertificate(input.app, input.hostname, ctx.signal),
  view: certView,
  step: certStep((i) => `add certificate for ${i.hostname} to ${i.app}`, {
    kind: "check",
    check: (ctx, input) => presence(ctx, input, true),
  }),
});

export const certsCheck = defineTool({
  name: "certs_check",
  description:
    "Ask Fly to check a custom domain's DNS again now, which may start certificate issuance (Let's Encrypt) once DNS is right; returns the status, DNS records Fly expects and validation errors. To only look at a certificate, use certs_get.",
  access: "write",
  input: certRef,
  run: (ctx, input) => ctx.fly.rest.checkCertificate(input.app, input.hostname, ctx.signal),
  view: certView,
  step: certStep((i) => `check DNS of ${i.hostname} for ${i.app} again`, { kind: "idempotent" }),
});

export const certsRemove = defineTool({
  name: "certs_remove",
  description:
    "Remove a custom domain and its certificate from an app; HTTPS for that hostname stops working.",
  access: "destructive",
  input: certRef,
  async run(ctx, input) {
    // Read first: see machines_destroy.
    await ctx.fly.rest.getCertificate(input.app, input.hostname, ctx.signal);
    await ctx.fly.rest.deleteCertificate(input.app, input.hostname, { goneOnRetry: true }, ctx.signal);
    return { app: input.app, hostname: input.hostname, removed: true };
  },
  view: (r) => r,
  step: certStep((i) => `remove certificate for ${i.hostname} from ${i.app}`, {
    kind: "check",
    check: (ctx, input) => presence(ctx, input, false),
  }),
});

export const certTools = [certsList, certsGet, certsAdd, certsCheck, certsRemove] as const;

function certView(c: CertificateDetail): Record<string, unknown> {
  const dns = c.dns_requirements;
  return {
    hostname: c.hostname,
    status: c.status ?? null,
    configured: c.configured ?? null,
    dns_a: dns?.a ?? [],
    dns_aaaa: dns?.aaaa ?? [],
    dns_cname: dns?.cname ?? null,
    acme_challenge: dns?.acme_challenge
      ? `${dns.acme_challenge.name ?? "?"} CNAME ${dns.acme_challenge.target ?? "?"}`
      : null,
    issued: (c.certificates ?? []).map(
      (e) => `${e.source ?? "?"} ${e.status ?? "?"}${e.expires_at ? ` until ${e.expires_at}` : ""}`,
    ),
    validation_errors: (c.validation_errors ?? []).map((e) => e.message ?? e.code ?? "?"),
  };
}
