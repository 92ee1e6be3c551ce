import { appExists, propose, requestApp, steps } from "./plan-common.js";
import type { Shape } from "./shape.js";

/**
 * "roll back APP [to the previous release | to vN]": one apps_rollback step, which the maker
 * expands from the app's releases and machines into one image update per machine, recording the
 * current and the chosen release as preconditions (tools/app-rollback.ts).
 */

const ROLLBACK = /\b(roll\s*back|rollback|revert)\b/i;
const VERSION = /\b(?:to|release|version)\s+(?:release\s+|version\s+)?v?(\d{1,6})\b/i;

export const rollback: Shape = {
  id: "plan-rollback",
  mode: "plan",
  description: "roll an app back to a previous release's image (every machine updated, one at a time)",
  examples: ["roll back demo-web to the previous release", "roll back acme-api to v7"],
  applies: [],
  matches: (q) => ROLLBACK.test(q) && !/\b(secrets?|volumes?|snapshots?)\b/i.test(q),
  *run(session) {
    const app = yield* requestApp(session);
    const raw = VERSION.exec(session.question)?.[1];
    const version = raw === undefined ? undefined : Number(raw);
    const target = version === undefined ? "the previous release" : `release v${version}`;
    return yield* propose({
      summary: `Roll ${app} back to ${target}'s image, one machine at a time.`,
      steps: steps({
        tool: "apps_rollback",
        reason: `Asked to roll back to ${target}; the plan names the release, its image and every machine it updates.`,
        input: { app, ...(version === undefined ? {} : { version }) },
      }),
      preconditions: [appExists(app)],
    });
  },
};
