import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { RefusedError } from "../errors.js";

/**
 * Secret references of a plan, resolved at apply time. A plan names where a value lives
 * (`{fromEnv: NAME}`, `{fromFile: PATH}`), never the value. Resolved values go straight to the
 * tool or to flyctl's standard input and into the redactor; they are never journaled or printed,
 * and no error message here ever contains one (only the secret's name and where it was looked for).
 */

export type SecretSource = string | { fromEnv: string } | { fromFile: string };

export interface ResolveSecretsOptions {
  env: NodeJS.ProcessEnv;
  /** Relative `fromFile` paths are resolved against it, as a shell would: the current directory. */
  cwd: string;
  /** Told every resolved value, before anything can print it. */
  onValue?: (value: string) => void;
}

/** Files usually end with a newline that is not part of the secret (`echo x > file`); one is dropped. */
function withoutFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, "");
}

export async function resolveSecrets(
  secrets: Readonly<Record<string, SecretSource>>,
  options: ResolveSecretsOptions,
): Promise<Record<string, string>> {
  const resolved: Record<string, string> = {};
  for (const [name, source] of Object.entries(secrets)) {
    if (typeof source === "string") {
      // The validator blocks literal values; refusing here too keeps one bug from leaking a secret.
      throw new RefusedError(`secret ${name} is written into the plan as a literal value`, {
        hint: `replace it with {"fromEnv": "${name}"} or {"fromFile": "PATH"} and approve the plan again`,
      });
    }
    let value: string;
    if ("fromEnv" in source) {
      const found = options.env[source.fromEnv];
      if (found === undefined || found === "") {
        throw new RefusedError(`secret ${name}: environment variable ${source.fromEnv} is not set`, {
          hint: `export ${source.fromEnv} before running flyops apply; nothing was changed for this step`,
        });
      }
      value = found;
    } else {
      const path = resolve(options.cwd, source.fromFile);
      try {
        value = withoutFinalNewline(await readFile(path, "utf8"));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
        throw new RefusedError(`secret ${name}: cannot read ${path} (${code})`, {
          hint: "check the fromFile path (relative paths start at the current directory) and its permissions",
        });
      }
      if (value === "") throw new RefusedError(`secret ${name}: ${path} is empty`);
    }
    options.onValue?.(value);
    resolved[name] = value;
  }
  return resolved;
}
