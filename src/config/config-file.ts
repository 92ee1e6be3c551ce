import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { z } from "zod";
import { ConfigError } from "../errors.js";

export type Env = Readonly<Record<string, string | undefined>>;

/** What flyops reads from its YAML config file. Unknown keys are ignored so newer files still load. */
const configFileSchema = z
  .object({
    fly: z
      .object({
        api_token: z.string().optional(),
        org_slug: z.string().optional(),
      })
      .passthrough()
      .optional(),
    flywp: z.object({ api_token: z.string().optional() }).passthrough().optional(),
    model: z.string().optional(),
    secrets: z
      .object({
        // Other tools' credential variables a plan's fromEnv may read (security/other-credentials.ts).
        allow_env: z
          .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be environment variable names"))
          .optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

export type ConfigFile = z.infer<typeof configFileSchema>;

/** FLYOPS_CONFIG, else $XDG_CONFIG_HOME/flyops/config.yaml, else ~/.config/flyops/config.yaml. */
export function configFilePath(env: Env): string {
  const explicit = nonEmpty(env.FLYOPS_CONFIG);
  if (explicit !== undefined) return explicit;
  const base = nonEmpty(env.XDG_CONFIG_HOME) ?? join(nonEmpty(env.HOME) ?? homedir(), ".config");
  return join(base, "flyops", "config.yaml");
}

/**
 * Reads the config file. A missing default file is an empty config; a missing file that
 * FLYOPS_CONFIG names explicitly is a mistake worth reporting, as is a malformed one.
 */
export function loadConfigFile(path: string, explicit: boolean): ConfigFile {
  if (!existsSync(path)) {
    if (explicit) {
      throw new ConfigError(`config file ${path} (from FLYOPS_CONFIG) does not exist`, {
        hint: "create it, or unset FLYOPS_CONFIG to use the default location",
      });
    }
    return {};
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`cannot read config file ${path}: ${reason}`, {
      hint: "check the file's permissions",
      cause: error,
    });
  }
  return parseConfigText(text, path);
}

export function parseConfigText(text: string, path: string): ConfigFile {
  const document = parseDocument(text);
  const problem = document.errors[0];
  if (problem !== undefined) {
    const where = problem.linePos?.[0]
      ? ` (line ${problem.linePos[0].line}, column ${problem.linePos[0].col})`
      : "";
    // The library appends the position and a code excerpt; the position is given above instead.
    const reason = firstLine(problem.message).replace(/ at line \d+, column \d+:?$/, "");
    throw new ConfigError(`config file ${path} is not valid YAML${where}: ${reason}`, {
      hint: "fix the YAML; the expected shape is `fly: { api_token: ..., org_slug: ... }` and `model: provider:name`",
    });
  }
  const data: unknown = document.toJS() ?? {};
  const parsed = configFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue === undefined || issue.path.length === 0 ? "the top level" : issue.path.join(".");
    throw new ConfigError(`config file ${path}: ${field} ${issue?.message.toLowerCase() ?? "is invalid"}`, {
      hint: "expected `fly: { api_token: string, org_slug: string }`, `model: string` and `secrets: { allow_env: [NAME, ...] }`",
    });
  }
  return parsed.data;
}

/**
 * `secrets.allow_env` of the config file: other tools' credential variables a plan's fromEnv may
 * read. Read on its own, for the commands that judge plans without talking to Fly.
 */
export function secretsAllowEnv(env: Env): string[] {
  const file = loadConfigFile(configFilePath(env), nonEmpty(env.FLYOPS_CONFIG) !== undefined);
  return file.secrets?.allow_env ?? [];
}

export function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

function firstLine(text: string): string {
  return (text.split("\n")[0] ?? text).trim();
}
