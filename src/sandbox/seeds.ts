import { nodeIdFor } from "./ids.js";
import { demoState } from "./seed-demo.js";
import { scaleState } from "./seed-scale.js";
import { seedOrg, seedUser } from "./seed-builders.js";
import type { SandboxState } from "./types.js";

export type SandboxSeed = "demo" | "empty" | number;

/** `empty`: one user with a personal organization and nothing in it. */
function emptyState(): SandboxState {
  const user = nodeIdFor("empty:user");
  const at = "2026-01-01T00:00:00Z";
  return {
    version: 1,
    counter: 0,
    viewer: user,
    users: [seedUser(user, "empty@example.com", "Empty Sandbox", "empty", at)],
    orgs: [
      seedOrg(
        {
          id: nodeIdFor("empty:org:personal"),
          slug: "personal",
          name: "Empty Sandbox",
          type: "PERSONAL",
          internalNumericId: 300001,
        },
        [{ userId: user, role: "ADMIN", joinedAt: at }],
      ),
    ],
    apps: [],
    machines: [],
    volumes: [],
    secrets: [],
    ips: [],
    certs: [],
  };
}

/** The seeded fleet as it is at `now`, the sandbox's start: the demo incident and scale fleets' recent events are placed relative to it. */
export function seedState(seed: SandboxSeed, now: number = Date.now()): SandboxState {
  if (seed === "demo") return demoState(now);
  if (seed === "empty") return emptyState();
  return scaleState(seed, now);
}

/** Reads `--seed`: demo, empty, or a whole number of apps. */
export function parseSeed(text: string): SandboxSeed | undefined {
  if (text === "demo" || text === "empty") return text;
  return /^\d+$/.test(text) ? Number(text) : undefined;
}
