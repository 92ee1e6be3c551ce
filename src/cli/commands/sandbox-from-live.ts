import { randomBytes } from "node:crypto";
import { FlyopsError, InterruptedError, UsageError } from "../../errors.js";
import { takeSnapshot } from "../../rehearse/snapshot.js";
import { writeSnapshotFile } from "../../rehearse/snapshot-file.js";
import { withoutTokens } from "../../rehearse/scrub.js";
import type { Logger } from "../../logger.js";
import { heldCredentials } from "../../security/secret-sources.js";
import { createRuntime } from "../runtime.js";
import type { Io } from "../output.js";

/**
 * `flyops sandbox --from-live --app A | --org O --state FILE`: the copy of live state a rehearsal
 * makes (src/rehearse/snapshot.ts), written where the sandbox then loads it, for a person to
 * experiment on by hand. Reads only (the clients are read-only); secret names and digests, no
 * values; no token; the file is mode 0600 and never written through a link.
 */

export interface FromLiveOptions {
  app?: string;
  org?: string;
  state?: string;
}

// Loopback only: 127.0.0.0/8, ::1 and the name that resolves to them.
const LOOPBACK = /^(?:127(?:\.\d{1,3}){3}|::1|\[::1\]|localhost)$/i;

/**
 * The token a sandbox serving a copy of live data accepts: the one given, else a fresh random one
 * (shown only in the export line the sandbox prints, as a given --token is). A copy of live data
 * is served beyond loopback only to the holder of a token the person chose.
 */
export function fromLiveToken(host: string, given: string | undefined): string {
  if (given !== undefined) return given;
  if (!LOOPBACK.test(host))
    throw new UsageError(
      `--from-live serves a copy of live data: it listens on ${host} only with a token of yours`,
      {
        hint: "set FLYOPS_SANDBOX_TOKEN (or --token), or leave --host at 127.0.0.1",
      },
    );
  return `sandbox-${randomBytes(24).toString("base64url")}`;
}

export async function snapshotFromLive(
  options: FromLiveOptions,
  deps: { io: Io; env: NodeJS.ProcessEnv; log: Logger; signal?: AbortSignal },
): Promise<void> {
  if (options.state === undefined)
    throw new UsageError("--from-live needs --state FILE: the copy is written there, then served");
  if ((options.app === undefined) === (options.org === undefined))
    throw new UsageError(
      "--from-live copies one app (--app NAME) or every app of one org (--org SLUG); give one of them",
    );
  const path = options.state;
  // Ctrl-C ends the reads in flight (the signal goes with each), and nothing is written.
  const runtime = await createRuntime({ env: deps.env, readOnly: true, log: deps.log, signal: deps.signal });
  try {
    await copyAndWrite(options, path, runtime, deps);
  } catch (error) {
    if (deps.signal?.aborted)
      throw new InterruptedError(
        `interrupted: the copy of live Fly stopped part way; nothing was written to ${path}, and no sandbox was started`,
      );
    throw error;
  } finally {
    await runtime.close();
  }
}

async function copyAndWrite(
  options: FromLiveOptions,
  path: string,
  runtime: Awaited<ReturnType<typeof createRuntime>>,
  deps: { io: Io; env: NodeJS.ProcessEnv; signal?: AbortSignal },
): Promise<void> {
  const state = await takeSnapshot(runtime.ctx, {
    apps: options.app === undefined ? [] : [options.app],
    orgs: options.org === undefined ? [] : [options.org],
    wholeOrgs: options.org !== undefined,
    now: new Date(),
  });
  if (options.app !== undefined && state.apps.length === 0)
    throw new FlyopsError(`app ${options.app} was not found on Fly`, {
      hint: "check the name with `flyops fly list apps`",
    });
  if (options.org !== undefined && state.orgs.length === 0)
    throw new FlyopsError(`organization ${options.org} was not found on Fly`, {
      hint: "check the slug with `flyops fly list orgs`",
    });
  // Every credential in reach (flyctl's token, FLYOPS_* values, cloud keys in env), as stdout's redactor has.
  const held = heldCredentials(deps.env, runtime.credentials);
  const { state: clean, redacted } = withoutTokens(state, held);
  if (deps.signal?.aborted) throw deps.signal.reason;
  await writeSnapshotFile(path, clean, held);
  deps.io.stderr(
    `copied ${clean.apps.length} app(s), ${clean.machines.length} machine(s), ${clean.volumes.length} volume(s) from live Fly (reads only) to ${path}: secret names and digests, no values, no token${redacted > 0 ? ` (${redacted} token(s) or secret-looking value(s) found in the copied apps were left out)` : ""}\n`,
  );
}
