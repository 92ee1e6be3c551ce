import { resolve } from "node:path";
import { Command, Option } from "commander";
import { z } from "zod";
import { secretsAllowEnv } from "../../config/index.js";
import { ConfigError, RefusedError } from "../../errors.js";
import { approvalStatus, defaultApprover, withApproval, type Approval } from "../../plan/schema/approval.js";
import { readPlanFile, writePlanFile } from "../../plan/schema/plan-file.js";
import { validatePlan } from "../../plan/check/validator.js";
import { findingLine } from "../../plan/check/finding-line.js";
import { heldByConfig } from "../runtime.js";
import { terminalSafe } from "../../security/terminal-safe.js";
import { parseOptions } from "../options.js";
import { jsonText, processIo, type Io } from "../output.js";

export const planApproveOptionsSchema = z.object({
  by: z.string().trim().min(1, "--by needs a name").optional(),
  allowDestructive: z.boolean().default(false),
  destroyer: z.boolean().default(false),
  json: z.boolean().default(false),
  raw: z.boolean().default(false),
});
export type PlanApproveOptions = z.input<typeof planApproveOptionsSchema>;

export interface PlanApproveDeps {
  io: Io;
  env: NodeJS.ProcessEnv;
  cwd?: string;
  now?: () => Date;
}

export interface PlanApproveResult {
  file: string;
  approval: Approval;
  /** The approval this one replaced, if the plan had one. */
  replaced?: Approval;
}

/**
 * `flyops plan approve FILE`: records who approved this exact content and when. A plan the
 * validator blocks under the current policy cannot be approved.
 */
export async function runPlanApprove(
  file: string,
  rawOptions: PlanApproveOptions,
  deps: PlanApproveDeps = { io: processIo, env: process.env },
): Promise<PlanApproveResult> {
  const options = parseOptions(planApproveOptionsSchema, rawOptions);
  const cwd = deps.cwd ?? process.cwd();
  const path = resolve(cwd, file);
  const raw = await readPlanFile(path);
  const verdict = validatePlan(raw, {
    allowDestructive: options.allowDestructive || options.destroyer,
    allowEnv: secretsAllowEnv(deps.env),
    credentials: heldByConfig(deps.env, cwd),
  });
  if (!verdict.ok) {
    const blocked = verdict.findings.filter((f) => f.severity === "block").map(findingLine);
    throw new RefusedError(`cannot approve ${file}: the validator blocks it:\n  ${blocked.join("\n  ")}`, {
      hint: "fix the plan first; destructive steps need --allow-destructive here and when applying",
    });
  }
  const by = options.by ?? (await defaultApprover(deps.env, cwd));
  if (by === undefined) {
    throw new ConfigError(
      "cannot tell who is approving: no git user.name, no $USER, and no user name for this uid",
      {
        hint: "pass --by NAME",
      },
    );
  }
  const previous = approvalStatus(raw as object);
  const approved = withApproval(raw as object, by, deps.now?.() ?? new Date());
  await writePlanFile(path, approved);
  const result: PlanApproveResult = {
    file,
    approval: approved.approval,
    ...(previous.state === "missing" ? {} : { replaced: previous.approval }),
  };
  if (options.json || options.raw) {
    deps.io.stdout(jsonText(result));
  } else {
    if (previous.state === "changed")
      deps.io.stderr(
        `the plan changed since ${terminalSafe(previous.approval.approvedBy)} approved it; that approval is replaced\n`,
      );
    deps.io.stdout(
      `approved ${file} (sha256 ${approved.approval.sha256}) by ${terminalSafe(by)} at ${approved.approval.approvedAt}\n`,
    );
  }
  return result;
}

export function planApproveCommand(): Command {
  return new Command("approve")
    .description("Approve a plan file: record the sha256 of its content, who approved it and when")
    .addHelpText(
      "after",
      [
        "",
        "The approval is an integrity check, not authentication: the sha256 is not signed and --by is",
        "taken as given. Anyone who can write the plan file can edit it and approve it again, so it",
        "proves only that the plan is unchanged since it was approved. Control who may approve by",
        "who may write the file (for example, plans reviewed and merged in version control).",
      ].join("\n"),
    )
    .argument("<file>", "plan file")
    .option(
      "--by <name>",
      "who approves (default: git user.name <user.email>, then $USER, then the system's user name)",
    )
    .option(
      "--allow-destructive",
      "approve destructive steps (they also need --allow-destructive when applying)",
    )
    .option("--destroyer", "alias of --allow-destructive")
    .option("--json", "print the approval as JSON on stdout")
    .addOption(new Option("--raw", "alias of --json").hideHelp())
    .action(async (file: string, options: PlanApproveOptions) => {
      await runPlanApprove(file, options);
    });
}
