import { z } from "zod";

/**
 * What flyops reads of FlyWP's answers. FlyWP's public docs list the endpoints but not their
 * fields (https://docs-2kj.pages.dev/api/overview), so each record requires only its numeric id
 * and keeps every other field as FlyWP sent it; the fields named here are the ones flyops shows
 * when they are there.
 */

const id = z.number().int().positive();
const text = z.string().nullish();

export const FlyWpServer = z
  .object({ id, name: text, status: text, ip_address: text, region: text, provider: text })
  .passthrough();
export const FlyWpSite = z
  .object({ id, domain: text, name: text, server_id: id.nullish(), status: text, php_version: text })
  .passthrough();
export const FlyWpDatabase = z.object({ id, name: text, site_id: id.nullish() }).passthrough();
export const FlyWpSshKey = z.object({ id, name: text, fingerprint: text, created_at: text }).passthrough();
export const FlyWpCron = z
  .object({ id, command: text, frequency: text, user: text, created_at: text })
  .passthrough();
export const FlyWpBackup = z
  .object({ id, site_id: id.nullish(), status: text, created_at: text, size: z.number().nullish() })
  .passthrough();

export type FlyWpServer = z.infer<typeof FlyWpServer>;
export type FlyWpSite = z.infer<typeof FlyWpSite>;
export type FlyWpDatabase = z.infer<typeof FlyWpDatabase>;
export type FlyWpSshKey = z.infer<typeof FlyWpSshKey>;
export type FlyWpCron = z.infer<typeof FlyWpCron>;
export type FlyWpBackup = z.infer<typeof FlyWpBackup>;
