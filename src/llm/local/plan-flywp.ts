import { requestedServers, serverLabel } from "./flywp-servers.js";
import { propose, steps } from "./plan-common.js";
import { AnswerNow, needOk } from "./session.js";
import type { Shape } from "./shape.js";
import { recordsOf } from "./tool-result.js";

/** Change requests about a FlyWP account: backups of a server's sites, a cron job on a server. */

// Whole words only, never part of a name: "add a machine to acme-cron" is about a Fly app.
const BACKUP = /(?<![\w-])back ?ups?(?![\w-])/i;
const SITES = /(?<![\w-])(?:web)?sites?(?![\w-])/i;
const CRON = /(?<![\w-])cron(?![\w-])/i;

export const wpBackupSites: Shape = {
  id: "plan-flywp-backups",
  provider: "flywp",
  mode: "plan",
  description: "back up every WordPress site of a FlyWP server",
  examples: ["trigger a backup of every site on server web-1"],
  applies: [],
  matches: (q) => BACKUP.test(q) && SITES.test(q),
  *run(session) {
    const { servers, named } = yield* requestedServers(session);
    if (!named || servers.length !== 1 || !servers[0])
      throw new AnswerNow(
        'Say which FlyWP server\'s sites to back up, e.g. "back up every site on server web-1".',
      );
    const server = servers[0];
    const sites = recordsOf(
      yield* needOk(
        "flywp_sites_list",
        { server_id: server.id },
        `the sites of server ${serverLabel(server)}`,
      ),
    );
    if (sites.length === 0)
      throw new AnswerNow(`Server ${serverLabel(server)} has no sites: there is nothing to back up.`);
    return yield* propose({
      summary: `Back up the ${sites.length} sites of FlyWP server ${serverLabel(server)}.`,
      steps: steps(
        ...sites.map((site) => ({
          tool: "flywp_backups_create",
          reason: `A backup of ${typeof site.domain === "string" ? site.domain : `site ${JSON.stringify(site.id)}`}, one of the sites of server ${server.name}.`,
          input: { server_id: server.id, site_id: site.id },
        })),
      ),
      preconditions: [],
    });
  },
};

/** When a cron job runs, in the words people use, as five cron fields. */
const SCHEDULES: readonly [RegExp, string, string][] = [
  [/\b(nightly|every night|daily|every day|once a day)\b/i, "0 0 * * *", "every night at 00:00"],
  [/\b(hourly|every hour)\b/i, "0 * * * *", "every hour"],
  [/\b(weekly|every week)\b/i, "0 0 * * 0", "every Sunday at 00:00"],
  [/\bevery minute\b/i, "* * * * *", "every minute"],
];

export const wpAddCron: Shape = {
  id: "plan-flywp-cron",
  provider: "flywp",
  mode: "plan",
  description: "add a cron job (a command, nightly/hourly/…) to a FlyWP server",
  examples: ["add a nightly cron `wp cron event run --due-now` on server 3"],
  applies: [],
  matches: (q) => CRON.test(q) && /\b(add|create|schedule|set up|new)\b/i.test(q),
  *run(session) {
    const q = session.question;
    const command = /`([^`\r\n]{1,1000})`/.exec(q)?.[1] ?? /"([^"\r\n]{1,1000})"/.exec(q)?.[1];
    if (!command)
      throw new AnswerNow(
        "Put the cron job's command in backticks, e.g. add a nightly cron `wp cron event run --due-now` on server 3.",
      );
    const rest = q.replace(command, " ");
    const every = /\bevery (\d{1,2}) minutes\b/i.exec(rest)?.[1];
    const schedule = every
      ? ([`*/${every} * * * *`, `every ${every} minutes`] as const)
      : SCHEDULES.find(([words]) => words.test(rest))?.slice(1);
    if (!schedule?.[0])
      throw new AnswerNow("Say when the cron job runs: nightly, hourly, weekly, or every N minutes.");
    const { servers, named } = yield* requestedServers(session);
    if (!named || servers.length !== 1 || !servers[0])
      throw new AnswerNow(
        'Say which FlyWP server the cron job goes on, e.g. "on server web-1" or "on server 3".',
      );
    const server = servers[0];
    return yield* propose({
      summary: `Run \`${command}\` ${schedule[1] ?? ""} on FlyWP server ${serverLabel(server)}.`,
      steps: steps({
        tool: "flywp_crons_create",
        reason: `A cron job that runs ${schedule[1] ?? ""} (${schedule[0]}).`,
        input: { server_id: server.id, command, frequency: schedule[0] },
      }),
      preconditions: [],
    });
  },
};

export const FLYWP_PLAN_SHAPES: readonly Shape[] = [wpAddCron, wpBackupSites];
