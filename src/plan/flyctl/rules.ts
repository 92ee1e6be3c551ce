import { canonicalLine, displayArgs, safeText } from "./display.js";
import { flagIsTrue, flagValue, parseFlyctl, type Mask, type ParsedFlyctl } from "./parse.js";
import { localFileProblems } from "./local-files.js";
import { environmentDump } from "./remote-command.js";
import type { FlyctlRule, Risk } from "./spec.js";

/**
 * The judge of raw flyctl steps. It works on the parsed form (canonical command path, long-form
 * flags), never on the words as written, so `destroy x -y`, `apps rm x --auto-confirm` and
 * `-t … apps delete x --yes` meet the same rules.
 */

export interface RuleHit {
  rule: FlyctlRule;
  severity: "block" | "warn";
  message: string;
}

export interface FlyctlPolicy {
  allowDestructive: boolean;
}

// C0/C1 controls, DEL, and the invisible or direction-changing characters that make text read
// differently from what runs (zero-width, bidi embeddings and isolates, line separators, BOM).
const CONTROL = /[\p{Cc}\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/u;

const TOKEN_FLAG_WHY =
  "a token on the command line is visible to every process on the host; flyops passes flyctl its token by environment";

const SECRET_NAME = /(PASSW(OR)?D|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|ACCESS_?KEY|AUTH)/i;

/** What a command's specifics add: findings, masks for secrets, and the risk it really has. */
interface Specifics {
  hits: Array<Omit<RuleHit, "message"> & { why: string }>;
  masks: Mask[];
  /** Set when the line is refused by nature (interactive, dumps secrets): risk findings would mislead. */
  hardBlock: boolean;
  risk: Risk | undefined;
}

type Check = (parsed: ParsedFlyctl, out: Specifics) => void;

function block(out: Specifics, rule: FlyctlRule, why: string, hard = true): void {
  out.hits.push({ rule, severity: "block", why });
  if (hard) out.hardBlock = true;
}

function remoteCommand(out: Specifics, command: string): void {
  out.risk = "destructive";
  const dump = environmentDump(command);
  if (dump)
    block(
      out,
      "flyctl-env-dump",
      `the remote command prints the machine's environment (${dump}), which holds the app's secrets`,
    );
}

/** Counts as `fly scale count` reads them: "3", "web=2 worker=0", relative "+1" / "-1". */
function scaleCountRisk(parsed: ParsedFlyctl, out: Specifics): void {
  const args = parsed.positionals.map((arg) => arg.text);
  const counts =
    args.length === 1 && /^[+-]?\d+$/.test(args[0]!) ? args : args.map((arg) => arg.split("=")[1] ?? "");
  if (counts.some((count) => !/^[+-]?\d+$/.test(count))) {
    block(out, "flyctl-bad-args", "counts must be a number or PROCESS=NUMBER pairs", false);
    return;
  }
  if (
    counts.some((count) => Number(count) === 0 && !/^[+-]/.test(count)) ||
    counts.some((count) => Number(count) < 0)
  ) {
    out.risk = "destructive";
  }
}

const CHECKS: Record<string, Check> = {
  logs: (parsed, out) => {
    if (!flagIsTrue(parsed, "no-tail"))
      block(out, "flyctl-interactive", "it streams logs until interrupted; add --no-tail");
  },
  status: (parsed, out) => {
    if (flagIsTrue(parsed, "watch")) block(out, "flyctl-interactive", "--watch refreshes until interrupted");
  },
  ping: (parsed, out) => {
    if (!(Number(flagValue(parsed, "count") ?? "0") > 0))
      block(out, "flyctl-interactive", "it pings until interrupted; add --count N");
  },
  "ssh console": (parsed, out) => {
    const command = flagValue(parsed, "command") ?? "";
    if (command === "") block(out, "flyctl-interactive", "without --command it opens an interactive shell");
    else if (flagIsTrue(parsed, "select"))
      block(out, "flyctl-interactive", "--select asks which machine to use");
    else remoteCommand(out, command);
  },
  "machine exec": (parsed, out) => {
    if (parsed.positionals.length === 1)
      block(out, "flyctl-interactive", "without a machine id flyctl asks which machine to use");
    remoteCommand(out, parsed.positionals.at(-1)?.text ?? "");
  },
  "machine run": (parsed, out) => {
    if (flagIsTrue(parsed, "shell"))
      block(out, "flyctl-interactive", "--shell opens an interactive shell in the new machine");
  },
  "machine destroy": (parsed, out) => {
    if (flagValue(parsed, "image") !== undefined) {
      block(out, "flyctl-interactive", "--image asks for confirmation and flyctl has no flag to skip it");
    }
  },
  "machine status": (parsed, out) => {
    if (flagIsTrue(parsed, "display-config")) {
      out.hits.push({
        rule: "flyctl-env-exposure",
        severity: "warn",
        why: "--display-config prints the machine's config, env values included",
      });
    }
  },
  "config show": (_parsed, out) => {
    out.hits.push({
      rule: "flyctl-env-exposure",
      severity: "warn",
      why: "it prints the app's config, [env] values included",
    });
  },
  "scale count": scaleCountRisk,
  "secrets set": (parsed, out) => {
    for (const arg of parsed.positionals) {
      const eq = arg.text.indexOf("=");
      if (eq <= 0) block(out, "flyctl-bad-args", `${JSON.stringify(arg.text)} is not NAME=VALUE`, false);
      else if (arg.text.slice(eq + 1) === "-") {
        out.hits.push({
          rule: "flyctl-secret-on-command-line",
          severity: "warn",
          why: "NAME=- reads the value from standard input, which a flyctl step does not get; use a secrets_set step with {fromEnv}",
        });
      } else {
        out.masks.push({ index: arg.index, start: eq + 1 });
        block(
          out,
          "flyctl-secret-on-command-line",
          `the value of ${arg.text.slice(0, eq)} is on the command line; use a secrets_set step with {"fromEnv": …} or {"fromFile": …}`,
        );
      }
    }
  },
  "secrets import": (_parsed, out) => {
    out.hits.push({
      rule: "flyctl-secret-on-command-line",
      severity: "warn",
      why: "it reads NAME=VALUE lines from standard input, which a flyctl step does not get; use a secrets_set step",
    });
  },
};

/** Flags that matter on any command that has them. */
function flagChecks(parsed: ParsedFlyctl, out: Specifics): void {
  for (const use of parsed.uses) {
    const name = use.flag.name;
    if (name === "access-token") block(out, "flyctl-access-token", TOKEN_FLAG_WHY, false);
    if (name === "config")
      block(
        out,
        "flyctl-config-file",
        "--config points flyctl at another fly.toml than the reviewed one",
        false,
      );
    if (name === "build-secret")
      block(
        out,
        "flyctl-secret-on-command-line",
        "--build-secret puts a secret value on the command line",
        false,
      );
    if (name === "env") {
      const eq = use.value.indexOf("=");
      const key = eq > 0 ? use.value.slice(0, eq) : use.value;
      if (SECRET_NAME.test(key)) {
        if (use.at) out.masks.push({ index: use.at.index, start: use.at.start + eq + 1 });
        out.hits.push({
          rule: "flyctl-secret-like-env",
          severity: "warn",
          why: `--env ${key}=… looks like a secret; env values are stored in plain text in the machine config, use secrets instead`,
        });
      }
    }
  }
}

function needsTarget(parsed: ParsedFlyctl, out: Specifics): void {
  const run = parsed.spec!.run;
  const count = parsed.positionals.length;
  if (run.needsId && (count === 0 || flagIsTrue(parsed, "select"))) {
    block(
      out,
      "flyctl-interactive",
      `without a ${run.needsId} id (or with --select) flyctl asks which ${run.needsId} to use`,
    );
  }
  if (run.promptsBelow !== undefined && count < run.promptsBelow) {
    block(out, "flyctl-interactive", "flyctl asks for the missing arguments at a prompt; give them all");
  }
}

/**
 * flyctl picks an app from --app, else FLY_APP, else the fly.toml of the folder it runs in. flyops
 * runs it in an empty folder with no FLY_APP, but a reviewer must still see which app a line acts
 * on: a command that takes --app must be given one (see RunSpec.appScope for the exceptions).
 */
function appHits(parsed: ParsedFlyctl, out: Specifics): void {
  const { flags = [], run } = parsed.spec!;
  if (!flags.some((flag) => flag.name === "app") || run.appScope === "optional") return;
  if ((flagValue(parsed, "app") ?? "") !== "") return;
  if (run.appScope === "or-org" && (flagValue(parsed, "org") ?? "") !== "") return;
  const alternative = run.appScope === "or-org" ? " (or --org ORG)" : "";
  block(
    out,
    "flyctl-missing-app",
    `it acts on an app but names none: add --app APP${alternative}, so that the plan says which app it reads or changes`,
    false,
  );
}

function riskHits(parsed: ParsedFlyctl, risk: Risk, policy: FlyctlPolicy, out: Specifics): void {
  const { confirm, privilege } = parsed.spec!.run;
  const confirmed = confirm === undefined || flagIsTrue(parsed, confirm);
  if (risk === "destructive") {
    const what = privilege ? `${privilege}; flyops counts that as destructive` : "it is destructive";
    if (!policy.allowDestructive)
      block(out, "destructive", `${what}; it runs only with --allow-destructive`, false);
    if (!confirmed)
      block(
        out,
        "flyctl-confirm-flag",
        `destructive, and flyctl asks for confirmation: add --${confirm} explicitly`,
        false,
      );
  } else if (!confirmed) {
    out.hits.push({
      rule: "flyctl-confirm-flag",
      severity: "warn",
      why: `flyctl may ask for confirmation and fails without a terminal; add --${confirm}`,
    });
  }
}

function specifics(parsed: ParsedFlyctl, args: readonly string[], policy: FlyctlPolicy): Specifics {
  const out: Specifics = { hits: [], masks: [], hardBlock: false, risk: undefined };
  if (parsed.unknownCommand || parsed.opaque) {
    if (parsed.opaque) block(out, parsed.opaque.rule, parsed.opaque.why);
    else block(out, "flyctl-unknown-command", parsed.errors.join("; "));
    // Unparsed, but -t is the root's flag on every command.
    if (args.some((arg) => /^(--access-token(=|$)|-t)/.test(arg)))
      block(out, "flyctl-access-token", TOKEN_FLAG_WHY, false);
    return out;
  }
  const { run } = parsed.spec!;
  if (parsed.errors.length > 0)
    block(out, "flyctl-bad-args", `flyctl would refuse it: ${parsed.errors.join("; ")}`, false);
  flagChecks(parsed, out);
  if (run.block) block(out, run.block.rule, run.block.why);
  CHECKS[parsed.path.join(" ")]?.(parsed, out);
  for (const why of localFileProblems(parsed)) block(out, "flyctl-local-file", why, false);
  needsTarget(parsed, out);
  if (!out.hardBlock) {
    appHits(parsed, out);
    riskHits(parsed, out.risk ?? run.risk, policy, out);
  }
  return out;
}

/** Every finding for one raw flyctl step: its args as written in the plan (without the program name). */
export function judgeFlyctl(args: readonly string[], policy: FlyctlPolicy): RuleHit[] {
  const parsed = parseFlyctl(args);
  const out = specifics(parsed, args, policy);
  const masks = [...parsed.masks, ...out.masks];
  const written = displayArgs(args, masks);
  const subject = parsed.spec ? canonicalLine(parsed, masks) : `flyctl ${parsed.path.join(" ")}`.trimEnd();
  const source = subject === `flyctl ${written}` ? subject : `${subject} (from \`${written}\`)`;
  const hits: RuleHit[] = [];
  if (args.some((arg) => CONTROL.test(arg))) {
    hits.push({
      rule: "flyctl-control-chars",
      severity: "block",
      message: `${source}: an argument holds control or invisible characters`,
    });
  }
  for (const hit of out.hits)
    hits.push({ rule: hit.rule, severity: hit.severity, message: `${source}: ${safeText(hit.why)}` });
  return hits;
}

/** The risk flyops assigns to a raw flyctl step once judged (for review screens). */
export function flyctlRisk(args: readonly string[]): Risk | undefined {
  const parsed = parseFlyctl(args);
  if (!parsed.spec) return undefined;
  const out = specifics(parsed, args, { allowDestructive: true });
  return out.risk ?? parsed.spec.run.risk;
}
