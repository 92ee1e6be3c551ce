import { CHECKS, block, processHits, type Specifics } from "./command-checks.js";
import { UNSAFE_CHAR, canonicalLine, displayArgs, safeText } from "./display.js";
import { flagIsTrue, flagValue, parseFlyctl, type ParsedFlyctl } from "./parse.js";
import { localFileProblems } from "./local-files.js";
import { secretsOnArgv } from "./secret-args.js";
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

const TOKEN_FLAG_WHY =
  "a token on the command line is visible to every process on the host; flyops passes flyctl its token by environment";

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
  }
  // `secrets set` refuses every value itself (command-checks.ts); elsewhere only secret-like ones.
  const pairs = parsed.path.join(" ") === "secrets set" ? [] : secretsOnArgv(parsed);
  for (const { why, mask } of pairs) {
    if (mask) out.masks.push(mask);
    block(out, "flyctl-secret-on-command-line", why, false);
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

/** When the flag's own name was given, flyctl ignores its aliases: say so, or `--auto-confirm` reads as a yes. */
function aliasNote(parsed: ParsedFlyctl, name: string): string {
  const uses = parsed.uses.filter((use) => use.flag.name === name);
  const ignored = [...new Set(uses.filter((use) => use.via !== name).map((use) => `--${use.via}`))];
  return uses.some((use) => use.via === name) && ignored.length > 0
    ? ` (flyctl ignores ${ignored.join(", ")} when --${name} is given)`
    : "";
}

function riskHits(parsed: ParsedFlyctl, risk: Risk, policy: FlyctlPolicy, out: Specifics): void {
  const { confirm, privilege } = parsed.spec!.run;
  const confirmed = confirm === undefined || flagIsTrue(parsed, confirm);
  const note = confirm === undefined ? "" : aliasNote(parsed, confirm);
  if (risk === "destructive") {
    const why = [...(privilege ? [privilege] : []), ...out.destructiveWhy];
    const what =
      why.length > 0 ? `${why.join("; ")}; flyops counts that as destructive` : "it is destructive";
    if (!policy.allowDestructive)
      block(out, "destructive", `${what}; it runs only with --allow-destructive`, false);
    if (!confirmed)
      block(
        out,
        "flyctl-confirm-flag",
        `destructive, and flyctl asks for confirmation: add --${confirm} explicitly${note}`,
        false,
      );
  } else if (!confirmed) {
    out.hits.push({
      rule: "flyctl-confirm-flag",
      severity: "warn",
      why: `flyctl may ask for confirmation and fails without a terminal; add --${confirm}${note}`,
    });
  }
}

function specifics(parsed: ParsedFlyctl, args: readonly string[], policy: FlyctlPolicy): Specifics {
  const out: Specifics = { hits: [], masks: [], hardBlock: false, risk: undefined, destructiveWhy: [] };
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
  processHits(parsed, out);
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
  if (args.some((arg) => UNSAFE_CHAR.test(arg))) {
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
