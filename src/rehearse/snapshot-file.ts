import { writeOwnedFileAtomic } from "../security/owned-file.js";
import { RefusedError } from "../errors.js";
import type { SandboxState } from "../sandbox/types.js";

/**
 * Writes a copy of live state where `flyops sandbox --state FILE` reads it: mode 0600, a regular
 * file of the user's own, never through a link (owned-file.ts: a plan's folder may come from a
 * pull request), atomically. The copy holds no token by construction (snapshot.ts reads none into
 * it); as a second line, a text that contains a credential this process holds is refused unwritten.
 */

const WHAT = "the snapshot file";

/** A credential as it is, or base64-encoded (as a file's contents in a machine config are). */
function heldIn(text: string, credential: string): boolean {
  const value = credential.trim();
  if (value === "") return false;
  const base64 = Buffer.from(value).toString("base64").replace(/=+$/, "");
  const url = Buffer.from(value).toString("base64url");
  return [value, base64, url].some((form) => text.includes(form));
}

export async function writeSnapshotFile(
  path: string,
  state: SandboxState,
  credentials: readonly string[],
): Promise<void> {
  const text = `${JSON.stringify(state)}\n`;
  if (credentials.some((credential) => heldIn(text, credential))) {
    throw new RefusedError(
      `refusing to write ${WHAT} ${path}: the copy of live state contains a credential this process holds`,
      {
        hint: "a machine's config or metadata in the copied apps holds a token; remove it there, then take the snapshot again",
      },
    );
  }
  await writeOwnedFileAtomic(path, text, WHAT);
}
