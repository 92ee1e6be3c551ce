import { userInfo } from "node:os";
import { execa } from "execa";
import { planDigest, withoutApproval } from "./canonical.js";

/**
 * Approval: a record that a person approved one exact version of a plan. `sha256` covers the
 * canonical JSON of everything but `approval` itself, so any change to a step, an input, a
 * precondition or the summary voids it, while re-indenting the file does not.
 *
 * It is an integrity check, not authentication: the hash is not signed, and `approvedBy` is
 * whatever was written. Anyone who can write the plan file can change it and compute a matching
 * hash (that is all `flyops plan approve` does), so an approval proves only that the content has
 * not changed since someone with write access recorded it. Who may approve is decided by who may
 * write the file: keep plans under review in version control (a protected branch, required
 * reviews) when that matters.
 */

export interface Approval {
  sha256: string;
  approvedAt: string;
  approvedBy: string;
}

export type ApprovalStatus =
  | { state: "missing"; digest: string }
  | { state: "valid"; digest: string; approval: Approval }
  | { state: "changed"; digest: string; approval: Approval };

function approvalOf(plan: object): Approval | undefined {
  const approval = (plan as { approval?: unknown }).approval;
  if (approval === null || typeof approval !== "object") return undefined;
  const { sha256, approvedAt, approvedBy } = approval as Record<string, unknown>;
  if (typeof sha256 !== "string") return undefined;
  return {
    sha256,
    approvedAt: typeof approvedAt === "string" ? approvedAt : "",
    approvedBy: typeof approvedBy === "string" ? approvedBy : "",
  };
}

export function approvalStatus(plan: object): ApprovalStatus {
  const digest = planDigest(plan);
  const approval = approvalOf(plan);
  if (!approval) return { state: "missing", digest };
  return approval.sha256.toLowerCase() === digest
    ? { state: "valid", digest, approval }
    : { state: "changed", digest, approval };
}

/** The plan with a fresh approval of its current content; any earlier approval is replaced. */
export function withApproval<P extends object>(
  plan: P,
  approvedBy: string,
  now: Date = new Date(),
): P & { approval: Approval } {
  const rest = withoutApproval(plan);
  const approval: Approval = { sha256: planDigest(rest), approvedAt: now.toISOString(), approvedBy };
  return { ...(rest as P), approval };
}

async function gitConfig(key: string, env: NodeJS.ProcessEnv, cwd: string): Promise<string | undefined> {
  try {
    const result = await execa("git", ["config", "--get", key], {
      cwd,
      env,
      extendEnv: false,
      reject: false,
      timeout: 5_000,
    });
    const value = String(result.stdout ?? "").trim();
    return result.exitCode === 0 && value !== "" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Who approves when `--by` is not given: git's user ("Name <email>"), then $USER / $LOGNAME. */
export async function defaultApprover(
  env: NodeJS.ProcessEnv,
  cwd: string,
  osUser: () => string = () => userInfo().username,
): Promise<string | undefined> {
  const gitEnv = {
    PATH: env.PATH ?? "",
    HOME: env.HOME ?? "",
    ...(env.XDG_CONFIG_HOME ? { XDG_CONFIG_HOME: env.XDG_CONFIG_HOME } : {}),
  };
  const name = await gitConfig("user.name", gitEnv, cwd);
  if (name) {
    const email = await gitConfig("user.email", gitEnv, cwd);
    return email ? `${name} <${email}>` : name;
  }
  return env.USER || env.LOGNAME || systemUser(osUser);
}

/** The operating system's name for this user: containers and CI often set no $USER and no git identity. */
function systemUser(osUser: () => string): string | undefined {
  try {
    return osUser() || undefined;
  } catch {
    // A uid with no entry in the user database (a container run as an arbitrary uid) has no name.
    return undefined;
  }
}
