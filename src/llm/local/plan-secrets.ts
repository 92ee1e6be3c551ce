import { SECRETS_STAGED } from "../../../tools/secrets.js";
import { REDACTED } from "../../security/redact.js";
import { findEnvNames } from "./entities.js";
import { nameOf } from "./fields.js";
import { perApp } from "./fleet.js";
import { groupOf } from "./plan-fleet.js";
import { appExists, propose, requestApp, steps } from "./plan-common.js";
import { AnswerNow, type Reads, type Session } from "./session.js";
import type { Shape } from "./shape.js";

const SECRET = /\bsecrets?\b/i;
const ENV_SOURCE =
  /\bfrom\s+(?:the\s+)?(?:env(?:ironment)?|\$)(?:\s+var(?:iable)?)?\s*\$?([A-Za-z_][A-Za-z0-9_]*)?/i;
const FILE_SOURCE = /\bfrom\s+(?:the\s+)?file\s+["'`]?([^\s"'`]+)/i;
/** A value written into the request: NAME=value, or "to <something>" that is not an app. */
const LITERAL = /\b[A-Z_][A-Z0-9_]*\s*=\s*\S|\b(?:to|as|value)\s+["'`]|\bto\s+\S*(?::\/\/|=)/;

/**
 * NAME=[REDACTED], "NAME to [REDACTED]", "NAME as [REDACTED]": the maker withheld a value the person
 * wrote; it is read from env NAME instead. The marker itself is never a name.
 */
const WITHHELD = new RegExp(
  `\\b([A-Z_][A-Z0-9_]*)(?:\\s*=\\s*|\\s+(?:to|as|=)\\s+)${REDACTED.replace(/[[\]]/g, "\\$&")}`,
  "g",
);

type SecretRef = { fromEnv: string } | { fromFile: string };

const STAGED = `S${SECRETS_STAGED.slice(1)}.`;

export const setSecret: Shape = {
  id: "plan-secret-set",
  mode: "plan",
  description: "set a secret from an environment variable or a file (never a literal value)",
  examples: [
    "set secret DATABASE_URL on my-app from env DATABASE_URL",
    "set secret TLS_KEY on my-app from file ./key.pem",
  ],
  applies: [],
  matches: (q) =>
    SECRET.test(q) &&
    /\b(set|add|create|put|update|store|rotate|change)\b/i.test(q) &&
    !/\b(unset|remove|delete|drop)\b/i.test(q),
  *run(session) {
    const withheld = [...session.question.matchAll(WITHHELD)].map((m) => m[1] ?? "");
    if (withheld.length > 0) return yield* setWithheld(session, withheld);
    const q = session.question;
    if (LITERAL.test(q)) {
      throw new AnswerNow(
        'I will not put a secret value into a plan. Name where the value comes from at apply time instead, e.g. "set secret DATABASE_URL on my-app from env DATABASE_URL" (or "from file PATH").',
      );
    }
    const app = yield* requestApp(session);
    const fromFile = FILE_SOURCE.exec(q)?.[1];
    const envSource = fromFile ? undefined : ENV_SOURCE.exec(q)?.[1];
    const secretNames = findEnvNames(q).filter((n) => n !== envSource);
    const targets = secretNames.length > 0 ? secretNames : envSource ? [envSource] : [];
    if (targets.length === 0)
      throw new AnswerNow(
        'Which secret? Write its name in capitals, e.g. "set secret DATABASE_URL on my-app from env DATABASE_URL".',
      );
    if ((fromFile || (envSource && !targets.includes(envSource))) && targets.length > 1) {
      throw new AnswerNow(
        'One source can feed only one secret; set them one at a time, or use "from env" so each comes from the variable of its own name.',
      );
    }
    const secrets: Record<string, SecretRef> = {};
    for (const name of targets) secrets[name] = fromFile ? { fromFile } : { fromEnv: envSource ?? name };
    const described = Object.entries(secrets).map(
      ([name, ref]) =>
        `${name} from ${"fromEnv" in ref ? `environment variable ${ref.fromEnv}` : `file ${ref.fromFile}`}`,
    );
    return yield* propose({
      summary: `Set ${targets.length === 1 ? "secret" : "secrets"} ${targets.join(", ")} on ${app}.`,
      steps: steps({
        tool: "secrets_set",
        reason: `Set ${described.join("; ")}; the value is read when the plan is applied and never written here. ${STAGED}`,
        input: { app, secrets },
      }),
      preconditions: [appExists(app)],
    });
  },
};

/** The person wrote NAME=value; the value was withheld, so the plan reads env NAME at apply time. */
function* setWithheld(session: Session, names: string[]): Reads<string> {
  const app = yield* requestApp(session);
  const secrets: Record<string, SecretRef> = Object.fromEntries(
    names.map((name) => [name, { fromEnv: name }]),
  );
  return yield* propose({
    summary: `Set ${names.length === 1 ? "secret" : "secrets"} ${names.join(", ")} on ${app}.`,
    steps: steps({
      tool: "secrets_set",
      reason: `Set ${names.join(", ")}. The value written in the request was withheld from this plan; at apply time each is read from the environment variable of the same name. ${STAGED}`,
      input: { app, secrets },
    }),
    preconditions: [appExists(app)],
  });
}

export const unsetSecret: Shape = {
  id: "plan-secret-unset",
  mode: "plan",
  description: "unset (remove) secrets by name",
  examples: ["unset secret OLD_API_KEY on my-app"],
  applies: [],
  matches: (q) => SECRET.test(q) && /\b(unset|remove|delete|drop|destroy)\b/i.test(q),
  *run(session) {
    const q = session.question;
    const app = yield* requestApp(session);
    const wanted = findEnvNames(q);
    if (wanted.length === 0)
      throw new AnswerNow(
        'Which secret? Write its name in capitals, e.g. "unset secret OLD_API_KEY on my-app".',
      );
    const existing = new Set(
      (yield* perApp("secrets_list", [app])).items.map(({ record }) => nameOf(record) ?? ""),
    );
    const present = wanted.filter((n) => existing.has(n));
    const missing = wanted.filter((n) => !existing.has(n));
    if (present.length === 0)
      throw new AnswerNow(`${app} has no secret named ${missing.join(" or ")}; there is nothing to unset.`);
    return yield* propose({
      summary: `Unset ${present.length === 1 ? "secret" : "secrets"} ${present.join(", ")} on ${app}.`,
      steps: steps({
        tool: "secrets_unset",
        reason: `Remove ${present.join(", ")} from ${app}, as requested${missing.length > 0 ? ` (${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set, so left out)` : ""}. ${STAGED}`,
        input: { app, names: present },
      }),
      preconditions: [appExists(app)],
    });
  },
};

/** "deploy the staged secrets of demo-web", "secrets deploy demo-web": `fly secrets deploy`. */
export const deploySecrets: Shape = {
  id: "plan-secrets-deploy",
  mode: "plan",
  description: "deploy an app's staged secrets: update its machines one at a time",
  examples: ["deploy the staged secrets of demo-web", "secrets deploy demo-web"],
  applies: [],
  matches: (q) =>
    SECRET.test(q) &&
    /\b(deploy|roll\s?out|apply)\b/i.test(q) &&
    !/\b(unset|remove|delete|drop|destroy)\b/i.test(q) &&
    !LITERAL.test(q),
  *run(session) {
    const app = yield* requestApp(session);
    return yield* propose({
      summary: `Deploy the staged secrets of ${app}: update its machines one at a time, each back and healthy before the next.`,
      steps: steps({
        tool: "secrets_deploy",
        reason:
          "Asked to deploy staged secrets; one step per machine that does not have the current secrets, in turn, as `fly secrets deploy` does.",
        input: { app, ...groupOf(session.question) },
      }),
      preconditions: [appExists(app)],
    });
  },
};
