import { REDACTED, containsToken } from "./redact.js";
import { ClauseIndex, ValueReader, followsValueFlag, urlPasswords } from "./request-scan.js";

/**
 * A question or a change request may carry a secret value ("set DATABASE_URL=postgres://u:p@host/db
 * on my-app", "is API_KEY=abc set on my-app?"). The text is sent to the model and kept (in a plan,
 * in the conversation history), and a secret value goes to none of them: it is withheld first. Both
 * fronts use this one function: `flyops plan` (the maker) and `flyops ask`.
 *
 * An assignment is `name=value` or `name = value`; a value is every adjacent quoted and unquoted
 * piece (`"abc"def` is one value). Its value is withheld when
 * - the name sounds secret (key, token, secret, password, pass, pwd, credential, private, dsn,
 *   auth, database_url, …), or
 * - the value looks secret (a URL with a password, a token's shape, a long random-looking string), or
 * - it follows a flag that carries one (`--build-secret`, `--secret`, `--build-arg`, `--env`, `-e`), or
 * - it is in the same clause as the word "secret(s)" ("fly secrets set SMTP_USER=bob"); a clause
 *   ends at `,` `;` `.` a new line, or "and"/"then", unless another assignment follows.
 * Never withheld: a catalog field (`count=3`, `memory_mb=1024`, `region=iad`). A plain number or
 * size (`WORKERS=4`, `-e CACHE_MB=512MB`) is kept too, unless the name sounds secret (`PIN=1234`)
 * or its own clause is about secrets (`fly secrets set RETRIES=3`): the person said it is one.
 *
 * An UPPER_SNAKE name alone is no reason: `LOG_LEVEL=debug` is configuration, and the model needs it
 * to answer. Such a name is withheld by the rules above like any other (`LOG_LEVEL=debug` in a
 * request about secrets is withheld). `SECRET_NAME to VALUE` (an UPPER_SNAKE secret-sounding name)
 * is an assignment too, and a password in any URL (`scheme://user:password@host`) is withheld
 * wherever it is. Over-withholding costs a question; a leak cannot be undone.
 */

export interface WithheldRequest {
  /** The text with every such value replaced by [REDACTED]. */
  text: string;
  /** What was withheld, for telling the person: variable names, then "a password in a URL". */
  withheld: string[];
}

export const URL_PASSWORD = "a password in a URL";

const NAME = String.raw`[A-Za-z_][A-Za-z0-9_]*`;
// `=` with no space after it, or with space on both sides (`FOO= on my-app` assigns nothing).
const EQUALS = String.raw`(?:\s*=(?=\S)|\s+=\s+)`;
// Where an assignment starts; its value is read by ValueReader. Not inside a word, a path, a URL or
// a flag (`--app=my-app` is no assignment).
const ASSIGNMENT = new RegExp(String.raw`(?<![\w.:/-])(${NAME})${EQUALS}`, "g");
// `STRIPE_KEY to sk_live_…`: only for UPPER_SNAKE names; whether the name sounds secret is checked after.
const TO_VALUE = new RegExp(String.raw`(?<![\w.:/-])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)(\s+to\s+)`, "g");
const SECRET_NAME =
  /pass|pwd|secret|token|key|cred|auth|dsn|private|database_url|connection_string|salt|cookie|signing|webhook|(?:^|_)pin(?:$|_)/i;
const ABOUT_SECRETS = /\bsecrets?\b/i;
// A clause ends at one of these, unless another assignment follows (`FOO=a and BAR=b` is one list).
const CLAUSE_MARK = /[,;\n]|\.\s|\b(?:and|then)\b/gi;
const ASSIGNMENT_AHEAD = new RegExp(String.raw`${NAME}${EQUALS}|${NAME}\s+to\s`, "iy");
/** Catalog input fields (DESIGN.md): what a change is about, never a secret. */
const CATALOG_FIELDS = new Set([
  "app",
  "org",
  "name",
  "region",
  "image",
  "count",
  "cpus",
  "cpu_kind",
  "memory",
  "memory_mb",
  "size",
  "size_gb",
  "machine_id",
  "volume_id",
  "hostname",
]);
const NUMBER_OR_SIZE = /^["']?\d+(?:\.\d+)?\s*(?:[kmgt]i?b?|[kmgt]b|b|x)?["']?$/i;
/** Words that follow "to" in a sentence, not values ("set API_KEY to the one in env"). */
const NOT_A_VALUE = new Set(
  "the a an its it their my our your this that what whatever whichever be use match same new value env environment file".split(
    " ",
  ),
);

function isWithheld(value: string): boolean {
  return value === REDACTED || value === `"${REDACTED}"` || value === `'${REDACTED}'`;
}

/** Whether a variable or field name sounds like it holds a secret (`API_KEY`, `password`, `dsn`, …). */
export function secretSoundingName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A long random-looking string, a URL with a password, or a known token's shape. */
export function looksSecret(value: string): boolean {
  const bare = value.replace(/^["']|["']$/g, "");
  // The user stops at the first `:`: a user that may hold `:` would be tried at every `:` of a long run.
  if (/^[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:[^\s@/]+@/i.test(bare)) return true;
  if (containsToken(bare)) return true;
  if (
    /^(?:sk|rk|pk)_(?:live|test)_|^gh[pousr]_|^github_pat_|^xox[abpr]-|^AKIA[0-9A-Z]{12}|^glpat-|^eyJ/.test(
      bare,
    )
  )
    return true;
  return bare.length >= 16 && /^[A-Za-z0-9+/=_.~-]+$/.test(bare) && /\d/.test(bare) && /[A-Za-z]/.test(bare);
}

/**
 * Replaces what `pattern` (global) and the value after it match, left to right, as String.replace
 * would with a value pattern after it: where no value follows, the search goes on one character
 * later. `replace` gets the whole match, its groups, the value and the offset.
 */
function replaceAssignments(
  text: string,
  pattern: RegExp,
  replace: (whole: string, groups: string[], value: string, offset: number) => string,
): string {
  const values = new ValueReader(text);
  const parts: string[] = [];
  let copied = 0;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const valueStart = match.index + match[0].length;
    const valueEnd = values.end(valueStart);
    if (valueEnd === valueStart) {
      pattern.lastIndex = match.index + 1;
      continue;
    }
    const whole = text.slice(match.index, valueEnd);
    parts.push(
      text.slice(copied, match.index),
      replace(whole, match.slice(1), text.slice(valueStart, valueEnd), match.index),
    );
    copied = valueEnd;
    pattern.lastIndex = valueEnd;
  }
  parts.push(text.slice(copied));
  return parts.join("");
}

function withholdUrlPasswords(text: string, withheld: Set<string>): string {
  const parts: string[] = [];
  let copied = 0;
  for (const { start, end } of urlPasswords(text)) {
    if (text.slice(start, end) === REDACTED) continue;
    withheld.add(URL_PASSWORD);
    parts.push(text.slice(copied, start), REDACTED);
    copied = end;
  }
  parts.push(text.slice(copied));
  return parts.join("");
}

/**
 * One NAME=VALUE pair judged by itself, with no sentence around it: the name sounds secret, or the
 * value looks secret; a plain number or size under a harmless name never does. The validator asks
 * this of assignments on a flyctl command line (`-e`, `--build-arg`, `KEY=VALUE` arguments), where
 * the name and the value are known exactly; the request text below adds its context rules to it.
 */
export function secretAssignment(name: string, value: string): boolean {
  const secretName = SECRET_NAME.test(name);
  if (!secretName && NUMBER_OR_SIZE.test(value)) return false;
  return secretName || looksSecret(value);
}

export function withholdSecretValues(request: string): WithheldRequest {
  const withheld = new Set<string>();
  const clauses = new ClauseIndex(request, CLAUSE_MARK, ASSIGNMENT_AHEAD);
  const assigned = replaceAssignments(request, ASSIGNMENT, (whole, [name = ""], value, offset) => {
    const empty = value === '""' || value === "''";
    if (empty || isWithheld(value) || CATALOG_FIELDS.has(name)) return whole;
    const aboutSecrets = clauses.clauseMatches(offset, ABOUT_SECRETS);
    if (!SECRET_NAME.test(name) && !aboutSecrets && NUMBER_OR_SIZE.test(value)) return whole;
    const secret = secretAssignment(name, value) || aboutSecrets || followsValueFlag(request, offset);
    if (!secret) return whole;
    withheld.add(name);
    return `${whole.slice(0, whole.length - value.length)}${REDACTED}`;
  });
  const told = replaceAssignments(assigned, TO_VALUE, (whole, [name = "", to = ""], value) => {
    if (!SECRET_NAME.test(name) || isWithheld(value) || NOT_A_VALUE.has(value.toLowerCase())) return whole;
    withheld.add(name);
    return `${name}${to}${REDACTED}`;
  });
  return { text: withholdUrlPasswords(told, withheld), withheld: [...withheld] };
}

/**
 * The note on stderr when something was withheld. `keptIn` says where the text is kept besides
 * the model ("a plan", "the conversation history").
 */
export function withheldNote(withheld: readonly string[], keptIn: string): string {
  const names = withheld.filter((name) => name !== URL_PASSWORD);
  const what = [
    ...(names.length > 0 ? [`the value of ${names.join(", ")}`] : []),
    ...(names.length < withheld.length ? [URL_PASSWORD] : []),
  ].join(" and ");
  return `withheld ${what}: a secret value is never sent to the model or written into ${keptIn}.\n`;
}
