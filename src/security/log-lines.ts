import { REDACTED, Redactor } from "./redact.js";
import { ValueReader } from "./request-scan.js";
import { looksSecret, secretSoundingName, withholdSecretValues } from "./withhold-secrets.js";

/**
 * Log lines are the user's apps talking, and apps print their own secrets: connection strings,
 * `API_KEY=…` at start-up, tokens in request dumps. flyops never knows those values, so a line is
 * judged by shape before it reaches a model, a history file, an MCP client or the terminal:
 * - tokens and credentials after a scheme or header name (redact.ts);
 * - the secret-value judgement `ask` applies to questions (withhold-secrets.ts): a URL with a
 *   password, `NAME=VALUE` where the name sounds secret or the value looks secret (a token's shape,
 *   a long random-looking string);
 * - the same for `name: value` and `"name": "value"`, the way structured logs write fields (not
 *   `image:tag` or `host:port`: a field's name is quoted or a blank follows its colon);
 * - well-known token shapes standing alone (Stripe, GitHub, Slack, AWS access key ids, JWTs).
 * A long random string standing alone is kept: request ids, image tags and machine ids look the
 * same, and the line would say nothing. Every pattern is linear: fixed prefixes, a one-character
 * look-behind, and values read by ValueReader.
 */

const tokens = new Redactor();

// `name: value` or `"name": "value"`; the name is at most 64 characters, so each start costs a bounded scan.
const FIELD = /(?<![A-Za-z0-9_-])(["']?)([A-Za-z_][A-Za-z0-9_.-]{0,63})\1[ \t]{0,4}:[ \t]{0,4}/g;

// Token shapes that announce themselves; each must start a word, so a run of prefixes is read once.
const STANDALONE = new RegExp(
  [
    String.raw`(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{8,}`,
    String.raw`gh[pousr]_[A-Za-z0-9]{20,}`,
    String.raw`github_pat_[A-Za-z0-9_]{20,}`,
    String.raw`xox[abpr]-[A-Za-z0-9-]{10,}`,
    String.raw`AKIA[0-9A-Z]{16}`,
    String.raw`glpat-[A-Za-z0-9_-]{20,}`,
    String.raw`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`,
  ]
    .map((p) => String.raw`(?<![A-Za-z0-9_-])${p}`)
    .join("|"),
  "g",
);

function withholdFields(text: string): string {
  const values = new ValueReader(text);
  const parts: string[] = [];
  let copied = 0;
  FIELD.lastIndex = 0;
  for (let match = FIELD.exec(text); match; match = FIELD.exec(text)) {
    const start = match.index + match[0].length;
    const end = values.end(start);
    const name = match[2] ?? "";
    // A field is quoted (`"key":`) or has a blank after its colon (`key: v`); `image:tag` and `host:port` are not fields.
    const field = match[1] !== "" || match[0].endsWith(" ") || match[0].endsWith("\t");
    if (!field || start < copied || end === start) {
      FIELD.lastIndex = match.index + 1;
      continue;
    }
    const value = text.slice(start, end);
    if (value.includes(REDACTED) || !(secretSoundingName(name) || looksSecret(value))) {
      FIELD.lastIndex = match.index + 1;
      continue;
    }
    parts.push(text.slice(copied, start), REDACTED);
    copied = end;
    FIELD.lastIndex = end;
  }
  parts.push(text.slice(copied));
  return parts.join("");
}

/** A log line with every token and secret-looking value replaced by [REDACTED]. */
export function redactLogLine(line: string): string {
  const withoutTokens = tokens.redact(line);
  const withheld = withholdSecretValues(withoutTokens).text;
  return withholdFields(withheld).replace(STANDALONE, REDACTED);
}
