import { z } from "zod";
import { REGION_CODE } from "../src/platform/regions.js";

/**
 * The shape of every id and name a catalog tool takes, as Fly gives them out. An input that does
 * not have its shape is refused before anything is sent: no id can be ".", "..", empty, hold a
 * slash, a backslash, a percent escape, whitespace, a control or an invisible character, so no
 * input can name another resource than the one it claims (an id of ".." once destroyed its app:
 * the HTTP client resolves /v1/apps/x/volumes/.. to /v1/apps/x/). Where Fly documents no rule,
 * the shape is what Fly's docs and tools show, and strict. Every pattern is anchored and uses
 * bounded quantifiers only, so checking a megabyte of input costs one linear scan at most.
 * Error messages name the shape with an example and never echo the input.
 */

function shaped(pattern: RegExp, expected: string): z.ZodString {
  return z.string().regex(pattern, `expected ${expected}`);
}

/** A DNS label (RFC 1123): lowercase letters, digits and inner dashes, 1–63 long. */
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Fly app names: "App names ... can include only numbers, lowercase letters, and dashes" (Fly docs,
 * hands-on/launch-app; flyctl's validateAppName in internal/command/launch/plan_builder.go refuses
 * `[^a-z0-9\-]`). The name is the DNS label of <app>.fly.dev, hence 63 at most and no dash at
 * either end.
 */
export const appName = shaped(
  DNS_LABEL,
  'a Fly app name: 1-63 lowercase letters, digits and dashes, not starting or ending with a dash, e.g. "my-app"',
);

/**
 * Organization slugs ("personal", "acme-corp"): Fly's GraphQL schema only calls them a "unique
 * organization slug" (spec/fly/fly-schema.graphql); every slug Fly shows is a DNS-label-like word,
 * so that is the shape, strictly.
 */
export const orgSlug = shaped(
  DNS_LABEL,
  'an organization slug: lowercase letters, digits and dashes, e.g. "personal" or "acme-corp"',
);

/**
 * Machine ids are 14 lowercase hex digits: "attached_machine_id": "908057ef21e487" in Fly's
 * Volumes resource docs (docs/machines/api/volumes-resource), "3d8d9d16f14683" in flyctl's
 * internal/command/ssh/console_test.go; the sandbox makes the same (src/sandbox/ids.ts).
 */
export const machineId = shaped(
  /^[0-9a-f]{14}$/,
  'a Fly machine id: 14 lowercase hex digits, e.g. "148ed123a45678"',
);

/**
 * Volume ids are "vol_" and lowercase letters or digits (fly-apps/terraform-provider-fly checks
 * `^vol_[a-z0-9]+$` in internal/provider/volume_data_source.go); every id Fly shows has 16 of
 * them ("vol_9vw681egy1jj5xm4" in the Volumes resource docs), and so does the sandbox.
 */
export const volumeId = shaped(
  /^vol_[a-z0-9]{16}$/,
  'a Fly volume id: "vol_" and 16 lowercase letters or digits, e.g. "vol_9vw681egy1jj5xm4"',
);

/**
 * Volume snapshot ids are "vs_" and letters or digits, mixed case ("vs_7PpMJJ2m7eBMf9O5wlaeQ" as
 * passed to `fly volumes create --snapshot-id`); Fly documents no length, so 8–40 is allowed.
 */
export const snapshotId = shaped(
  /^vs_[A-Za-z0-9]{8,40}$/,
  'a Fly snapshot id: "vs_" and 8-40 letters or digits, e.g. "vs_7PpMJJ2m7eBMf9O5wlaeQ"',
);

/**
 * A region by its code's shape (src/platform/regions.ts), not by the list of regions known today:
 * Fly adds and retires regions, and its API is the judge of which exist.
 */
export const regionCode = z
  .string()
  .toLowerCase()
  .regex(REGION_CODE, 'expected a Fly region code: three letters, e.g. "iad" or "ams"');

/**
 * A certificate's hostname: DNS labels joined by dots (RFC 1123), optionally a leading "*." for a
 * wildcard certificate (Fly's certificates docs), a letters-only top-level label, 253 at most.
 * DNS names are case-insensitive, so it is compared in lowercase.
 */
const HOSTNAME_EXPECTED =
  'expected a DNS hostname: labels of letters, digits and dashes joined by dots, e.g. "www.example.com" (or "*.example.com")';
export const hostname = z
  .string()
  .toLowerCase()
  .max(253, HOSTNAME_EXPECTED)
  .regex(/^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,126}[a-z]{2,63}$/, HOSTNAME_EXPECTED);

/**
 * An IPv4 or IPv6 address as Fly lists an app's assignments ("2a09:8280:1::1"). A zone index
 * ("fe80::1%eth0") is no address Fly assigns, and its "%" would be a percent escape in the path.
 */
export const ipAddress = z
  .string()
  .max(45, 'expected an IP address, e.g. "2a09:8280:1::1" or "137.66.1.1"')
  .ip({ message: 'expected an IP address, e.g. "2a09:8280:1::1" or "137.66.1.1"' })
  .refine((ip) => !ip.includes("%"), 'expected an IP address without a zone index, e.g. "2a09:8280:1::1"');

/**
 * Volume names: lowercase letters, digits and underscores ("myapp_data", "pg_data" in Fly's volume
 * docs; fly-apps/terraform-provider-fly checks `^[a-z0-9_]+$` in volume_resource.go), 30 at most.
 */
export const volumeName = shaped(
  /^[a-z0-9_]{1,30}$/,
  'a volume name: 1-30 lowercase letters, digits and underscores, e.g. "data"',
);

/**
 * Machine names: Fly generates DNS-label names ("misty-river-4821") and the Machines API says only
 * "unique name for this Machine" (CreateMachineRequest in spec/fly); the same strict label shape.
 */
export const machineName = shaped(
  DNS_LABEL,
  'a machine name: 1-63 lowercase letters, digits and dashes, e.g. "web-iad-2"',
);

/**
 * Process group names (fly.toml [processes], kept in a machine's metadata as fly_process_group):
 * flyctl checks no shape; Fly's own are lowercase with underscores ("app",
 * "fly_app_release_command" in fly-go machine_types.go), so that shape, 63 at most.
 */
export const processGroup = shaped(
  /^[a-z0-9][a-z0-9_-]{0,62}$/,
  'a process group: lowercase letters, digits, "_" and "-", e.g. "app" or "worker"',
);

/** Secret names are environment variable names: letters, digits and underscores, not starting with a digit. */
export const secretName = shaped(
  /^[A-Za-z_][A-Za-z0-9_]{0,255}$/,
  'a secret name: letters, digits and underscores, not starting with a digit, e.g. "DATABASE_URL"',
);

/**
 * The service an IP address routes to (`service_name` of Fly's assignIPRequest, spec/fly), named
 * like the app's other names: the strict label shape.
 */
export const serviceName = shaped(
  DNS_LABEL,
  'a service name: 1-63 lowercase letters, digits and dashes, e.g. "web"',
);

/**
 * A Docker image reference ("registry.fly.io/my-app:deployment-01H...", "nginx@sha256:..."): the
 * characters of the distribution reference grammar (path components, ":" tag, "@" digest) and
 * nothing else, 512 at most.
 */
export const imageRef = shaped(
  /^[a-z0-9][A-Za-z0-9._:@/-]{0,511}$/,
  'a Docker image reference, e.g. "registry.fly.io/my-app:deployment-01H..." or "nginx:1.27"',
);

const FRAGMENT_EXPECTED =
  'expected part of a hostname: letters, digits, dots and dashes, with a letter or digit, e.g. "example.com"';
/** Part of a hostname to filter certificates by ("example", ".com"): hostname characters, never only dots. */
export const hostnameFragment = z
  .string()
  .toLowerCase()
  .regex(/^[a-z0-9*.-]{1,253}$/, FRAGMENT_EXPECTED)
  .regex(/[a-z0-9]/, FRAGMENT_EXPECTED);

/** A volume state word as Fly reports it ("created", "pending_destroy"): lowercase letters and underscores. */
export const volumeState = shaped(/^[a-z_]{1,32}$/, 'a volume state, e.g. "created"');
