import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, TomlError } from "smol-toml";
import { ConfigError } from "../errors.js";

/**
 * The `app` named by ./fly.toml, as flyctl reads it. Only the working directory counts:
 * a fly.toml further up belongs to some other project more often than not.
 */
export function appFromFlyToml(cwd: string): { app: string; path: string } | undefined {
  const path = join(cwd, "fly.toml");
  if (!existsSync(path)) return undefined;
  let data: Record<string, unknown>;
  try {
    data = parse(readFileSync(path, "utf8"));
  } catch (error) {
    const reason =
      error instanceof TomlError
        ? `line ${error.line}, column ${error.column}: ${firstLine(error.message)}`
        : String(error);
    throw new ConfigError(`${path} is not valid TOML (${reason})`, {
      hint: "fix fly.toml, or name the app with --app or FLY_APP",
      cause: error,
    });
  }
  const app = data.app;
  if (typeof app !== "string" || app.trim() === "") return undefined;
  return { app: app.trim(), path };
}

function firstLine(text: string): string {
  return (text.split("\n")[0] ?? text).trim();
}
