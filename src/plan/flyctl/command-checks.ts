import { flagIsTrue, flagValue, type Mask, type ParsedFlyctl } from "./parse.js";
import { processChange } from "./process-change.js";
import { screenCommand } from "../../security/remote-command.js";
import type { FlyctlRule, Risk } from "./spec.js";

/** What a command's specifics add to the table's verdict: findings, masks, and the risk it really has. */
export interface Specifics {
  hits: Array<{ rule: FlyctlRule; severity: "block" | "warn"; why: string }>;
  masks: Mask[];
  /** Set when the line is refused by nature (interactive, dumps secrets): risk findings would mislead. */
  hardBlock: boolean;
  risk: Risk | undefined;
  /** Why the line is destructive when its flags or arguments make it so (the table's `privilege` otherwise). */
  destructiveWhy: string[];
}

type Check = (parsed: ParsedFlyctl, out: Specifics) => void;

export function block(out: Specifics, rule: FlyctlRule, why: string, hard = true): void {
  out.hits.push({ rule, severity: "block", why });
  if (hard) out.hardBlock = true;
}

export function destructiveBecause(out: Specifics, why: string): void {
  out.risk = "destructive";
  out.destructiveWhy.push(why);
}

const STDIN_WHY =
  "a flyctl step gets an empty standard input, so flyctl would read nothing (and `secrets set NAME=-` would set an empty secret); use a secrets_set step with {fromEnv} or {fromFile}";

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

function secretsSet(parsed: ParsedFlyctl, out: Specifics): void {
  for (const arg of parsed.positionals) {
    const eq = arg.text.indexOf("=");
    if (eq <= 0) block(out, "flyctl-bad-args", `${JSON.stringify(arg.text)} is not NAME=VALUE`, false);
    else if (arg.text.slice(eq + 1) === "-") {
      block(
        out,
        "flyctl-reads-stdin",
        `${arg.text.slice(0, eq)}=- reads the value from standard input: ${STDIN_WHY}`,
        false,
      );
    } else {
      out.masks.push({ index: arg.index, start: eq + 1 });
      block(
        out,
        "flyctl-secret-on-command-line",
        `the value of ${arg.text.slice(0, eq)} is on the command line; use a secrets_set step with {"fromEnv": …} or {"fromFile": …}`,
        false,
      );
    }
  }
}

export const CHECKS: Record<string, Check> = {
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
    if ((flagValue(parsed, "command") ?? "") === "")
      block(out, "flyctl-interactive", "without --command it opens an interactive shell");
    if (flagIsTrue(parsed, "select")) block(out, "flyctl-interactive", "--select asks which machine to use");
    if (flagIsTrue(parsed, "pty"))
      block(out, "flyctl-interactive", "--pty gives the command a terminal, for a person to type into");
  },
  "machine exec": (parsed, out) => {
    if (parsed.positionals.length === 1)
      block(out, "flyctl-interactive", "without a machine id flyctl asks which machine to use");
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
  "secrets set": secretsSet,
  "secrets import": (_parsed, out) => {
    block(out, "flyctl-reads-stdin", `it reads NAME=VALUE lines from standard input: ${STDIN_WHY}`, false);
  },
  deploy: (parsed, out) => {
    if (flagValue(parsed, "from-manifest") === "-")
      block(
        out,
        "flyctl-reads-stdin",
        `--from-manifest - reads the manifest from standard input: ${STDIN_WHY}`,
        false,
      );
  },
  // ips/allocate.go: --private with --org allocates the Flycast address in that org's network, and
  // --network on a named network: either lets other apps reach this one. Without --private flyctl
  // ignores both, but the line still reads as an access change.
  "ips allocate-v6": (parsed, out) => {
    const org = flagValue(parsed, "org") ?? "";
    const network = flagValue(parsed, "network") ?? "";
    if (org !== "")
      destructiveBecause(out, `--org ${org} gives the network of organization ${org} a way into the app`);
    if (network !== "")
      destructiveBecause(out, `--network ${network} puts the app's private address on another network`);
  },
  // secrets/key_set.go: --force overwrites a key with the same label ("refusing to overwrite" otherwise).
  "secrets keys generate": (parsed, out) => {
    if (flagIsTrue(parsed, "force"))
      destructiveBecause(out, "--force overwrites the key material of an existing key with the same label");
  },
  // wireguard/wireguard.go: Reestablish drops the agent's peer for the org and stores a new private key.
  "wireguard reset": (_parsed, out) => {
    destructiveBecause(out, "it replaces flyctl's WireGuard peer and private key for the organization");
  },
};

/** Starting or changing a process in a machine: destructive, and its commands must have the plain shape. */
export function processHits(parsed: ParsedFlyctl, out: Specifics): void {
  const change = processChange(parsed);
  for (const why of change.changes) destructiveBecause(out, why);
  for (const why of change.refused) block(out, "flyctl-remote-command", why, false);
  for (const command of change.commands)
    for (const problem of screenCommand(command)) block(out, problem.rule, problem.why);
}
