import { secretAssignment } from "../../security/withhold-secrets.js";
import type { Mask, ParsedFlyctl } from "./parse.js";
import { splitCommandLine } from "../../security/remote-command.js";

/**
 * Secret values written on a flyctl command line: `-e DB_PASSWORD=…`, `--env=STRIPE_KEY=sk_live_…`,
 * `--build-arg NPM_TOKEN=…`, `-m`/`--label` pairs, `NAME=VALUE` arguments (a machine's command
 * words included) and NAME=VALUE words inside a remote command string. A plan file is read,
 * diffed and committed, and a command line is visible to every process on the host: such a value
 * is refused, not warned about. Whether a pair is secret is the judgement `ask` and the maker use
 * to withhold values from a model (security/withhold-secrets.ts, secretAssignment), applied to the
 * exact name and value: `DATABASE_URL=postgres://app:pw@db/app` and `NPM_TOKEN=…` are secret by
 * name, `X=sk_live_…` by shape. A harmless name with a plain value (`LOG_LEVEL=debug`, `PORT=8080`)
 * passes: unlike free text, where anything after `-e` is withheld because its boundaries are
 * unknown, here the validator sees the whole pair, and refusing every env value would push plans
 * to hide configuration in places nobody reviews.
 * `secrets set` arguments and `--build-secret` are refused whatever they hold (rules.ts).
 */

export interface SecretHit {
  readonly why: string;
  readonly mask: Mask | undefined;
}

const PAIR = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/** The name of a secret NAME=VALUE pair, or undefined (an empty value sets nothing secret). */
function secretName(text: string): string | undefined {
  const name = PAIR.exec(text)?.[1];
  if (name === undefined) return undefined;
  const value = text.slice(name.length + 1);
  return value !== "" && secretAssignment(name, value) ? name : undefined;
}

const USE_SECRETS =
  'use a secrets_set step with {"fromEnv": …} or {"fromFile": …}: the value is read at apply time and written nowhere';

/** Flags whose value is one command string that a machine runs: its words may carry pairs too. */
const COMMAND_FLAGS = new Set(["command", "entrypoint", "override-cmd"]);

export function secretsOnArgv(parsed: ParsedFlyctl): SecretHit[] {
  const hits: SecretHit[] = [];
  const seen = new Set<string>();
  const add = (name: string, where: string, mask: Mask | undefined): void => {
    const why = `the value of ${name} (${where}) is a secret on the command line; ${USE_SECRETS}`;
    if (!seen.has(why)) hits.push({ why, mask });
    seen.add(why);
  };
  for (const use of parsed.uses) {
    // A sensitive flag (--build-secret, --access-token) is refused and masked whatever it holds.
    if (use.flag.kind !== "value" || use.flag.sensitive) continue;
    const name = secretName(use.value);
    if (name !== undefined) {
      const mask = use.at && { index: use.at.index, start: use.at.start + name.length + 1 };
      add(name, `--${use.via}`, mask);
    } else if (COMMAND_FLAGS.has(use.flag.name)) {
      for (const word of splitCommandLine(use.value)) {
        const inner = secretName(word);
        if (inner !== undefined) add(inner, `in --${use.via}`, use.at);
      }
    }
  }
  const remoteString = parsed.path.join(" ") === "machine exec" ? parsed.positionals.at(-1) : undefined;
  for (const arg of parsed.positionals) {
    const name = secretName(arg.text);
    if (name !== undefined) add(name, "an argument", { index: arg.index, start: name.length + 1 });
    else if (arg === remoteString) {
      for (const word of splitCommandLine(arg.text)) {
        const inner = secretName(word);
        if (inner !== undefined) add(inner, "in the remote command", { index: arg.index, start: 0 });
      }
    }
  }
  return hits;
}
