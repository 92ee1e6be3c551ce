import { REDACTED } from "../agent/redact.js";

/**
 * A change request may carry a secret value ("set DATABASE_URL=postgres://u:p@host/db on my-app").
 * The request is kept in the plan and sent to the model, and a secret value goes to neither: the
 * values of assignments are withheld before either sees the request, and a plan sets the secret
 * from a reference ({"fromEnv": "DATABASE_URL"}) resolved at apply time.
 *
 * Withheld: the value of every `UPPER_SNAKE=value`; of any `name=value` after a flag that carries
 * one (`--build-secret`, `--secret`, `--build-arg`, `--env`, `-e`), whose name sounds secret
 * (password, token, key, …), or in a request about secrets; and the password in a URL
 * (`scheme://user:password@host`). Over-withholding costs a question; a leak cannot be undone.
 */

export interface WithheldRequest {
  /** The request with every such value replaced by [REDACTED]. */
  text: string;
  /** What was withheld, for telling the person: variable names, then "a password in a URL". */
  withheld: string[];
}

export const URL_PASSWORD = "a password in a URL";

const VALUE = String.raw`"(?:[^"\\]|\\.)*"|'[^']*'|\S+`;
// Not inside a word, a path, a URL or a flag (`--app=my-app` is no assignment).
const ASSIGNMENT = new RegExp(String.raw`(?<![\w.:/-])([A-Za-z_][A-Za-z0-9_]*)=(${VALUE})`, "g");
const VALUE_FLAG = /(?:--build-secret|--build-arg|--secret|--env|(?<![\w-])-e)[\s=]+$/;
const UPPER_SNAKE = /^[A-Z_][A-Z0-9_]*$/;
const SECRET_NAME = /pass|pwd|secret|token|key|cred|auth|dsn|private/i;
const ABOUT_SECRETS = /\bsecrets?\b/i;
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):([^\s@/]+)@/gi;

function isWithheld(value: string): boolean {
  return value === REDACTED || value === `"${REDACTED}"` || value === `'${REDACTED}'`;
}

export function withholdSecretValues(request: string): WithheldRequest {
  const withheld = new Set<string>();
  const aboutSecrets = ABOUT_SECRETS.test(request);
  const text = request
    .replace(ASSIGNMENT, (whole, name: string, value: string, offset: number) => {
      const empty = value === '""' || value === "''";
      const secret =
        UPPER_SNAKE.test(name) ||
        SECRET_NAME.test(name) ||
        aboutSecrets ||
        VALUE_FLAG.test(request.slice(0, offset));
      if (!secret || empty || isWithheld(value)) return whole;
      withheld.add(name);
      return `${name}=${REDACTED}`;
    })
    .replace(URL_USERINFO, (whole, head: string, password: string) => {
      if (password === REDACTED) return whole;
      withheld.add(URL_PASSWORD);
      return `${head}:${REDACTED}@`;
    });
  return { text, withheld: [...withheld] };
}
