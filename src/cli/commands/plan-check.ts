import { Command } from "commander";
import { secretsAllowEnv, type Env } from "../../config/index.js";
import { readPlanFile } from "../../plan/schema/plan-file.js";
import { validatePlan, type Finding, type ValidationResult } from "../../plan/check/validator.js";
import { heldByConfig } from "../runtime.js";
import { terminalSafe } from "../../security/terminal-safe.js";
import { jsonText, processIo, type Io } from "../output.js";

export interface PlanCheckOptions {
  /** --allow-destructive, or its alias --destroyer. */
  allowDestructive?: boolean;
  destroyer?: boolean;
  json?: boolean;
  raw?: boolean;
}

export interface PlanCheckDeps {
  io: Io;
  /** Where the config file (and its secrets.allow_env) is found. */
  env: Env;
}

export interface PlanCheckOutcome {
  result: ValidationResult;
  /** 0: the plan may run (warnings allowed); 1: a finding blocks it. Unreadable files throw a UsageError (2). */
  exitCode: 0 | 1;
}

/** The verdict contract of DESIGN.md: exactly these keys, `step` only when a finding belongs to one. */
function jsonFinding(finding: Finding): Finding {
  const { step, rule, severity, message } = finding;
  return { ...(step === undefined ? {} : { step }), rule, severity, message };
}

function humanReport(file: string, result: ValidationResult, allowDestructive: boolean): string {
  const lines = result.findings.map((finding) => {
    const label = finding.severity === "block" ? "BLOCK" : "WARN ";
    return `${label} ${terminalSafe(finding.step ?? "plan")} [${finding.rule}] ${terminalSafe(finding.message)}`;
  });
  const blocks = result.findings.filter((finding) => finding.severity === "block").length;
  const warnings = result.findings.length - blocks;
  const policy = allowDestructive ? " (destructive steps allowed)" : "";
  if (result.ok) {
    lines.push(`${file}: may run${policy}${warnings > 0 ? `, with ${warnings} warning(s)` : ""}`);
  } else {
    lines.push(`${file}: blocked by ${blocks} finding(s)${policy}`);
    if (!allowDestructive && result.findings.some((finding) => finding.rule === "destructive")) {
      lines.push("hint: if the destruction is intended, check again with --allow-destructive");
    }
  }
  return `${lines.join("\n")}\n`;
}

/** `flyops plan check FILE`: validates a plan file and reports every finding. */
export async function runPlanCheck(
  file: string,
  options: PlanCheckOptions,
  deps: PlanCheckDeps = { io: processIo, env: process.env },
): Promise<PlanCheckOutcome> {
  const plan = await readPlanFile(file);
  const allowDestructive = Boolean(options.allowDestructive || options.destroyer);
  const result = validatePlan(plan, {
    allowDestructive,
    allowEnv: secretsAllowEnv(deps.env),
    credentials: heldByConfig(deps.env),
  });
  if (options.json || options.raw) {
    deps.io.stdout(jsonText({ ok: result.ok, findings: result.findings.map(jsonFinding) }));
  } else {
    deps.io.stdout(humanReport(file, result, allowDestructive));
  }
  return { result, exitCode: result.ok ? 0 : 1 };
}

export function planCheckCommand(): Command {
  return new Command("check")
    .description(
      "Validate a plan file: exit 0 when it may run, 1 when a step is blocked, 2 when it cannot be read",
    )
    .argument("<file>", "plan file (JSON)")
    .option("--allow-destructive", "allow destructive steps (destroys, secrets unset, IP release, …)")
    .option("--destroyer", "alias of --allow-destructive")
    .option("--json", "print {ok, findings} as JSON only")
    .option("--raw", "alias of --json")
    .action(async (file: string, _options: PlanCheckOptions, command: Command) => {
      // `flyops plan` has --json and --allow-destructive of its own; commander may hand them to it.
      const { exitCode } = await runPlanCheck(file, command.optsWithGlobals<PlanCheckOptions>());
      process.exitCode = exitCode;
    });
}
