import { resolve } from "node:path";
import { RefusedError } from "../../errors.js";
import {
  SecretSourceRefused,
  credentialInValue,
  envSourceRefusal,
  readSecretFile,
} from "../../security/secret-sources.js";

/**
 * Secret references of a plan, resolved at apply time. A plan names where a value lives
 * (`{fromEnv: NAME}`, `{fromFile: PATH}`), never the value. Resolved values go straight to the
 * tool or to flyctl's standard input and into the redactor; they are never journaled or printed,
 * and no error message here ever contains one (only the secret's name and where it was looked for).
 *
 * The validator already refuses references to credentials; this is the second line
 * (secret-sources.ts): credential variables are refused again, a file is read only after its real
 * path (symlinks followed) is checked against this process's own credential places and the open
 * file is checked (regular, and not a credential file by device and inode, so no hard link), and a
 * value that is, or contains, a credential the process holds is never sent.
 */

export type SecretSource = string | { fromEnv: string } | { fromFile: string };

export interface ResolveSecretsOptions {
  env: NodeJS.ProcessEnv;
  /** Relative `fromFile` paths are resolved against it, as a shell would: the current directory. */
  cwd: string;
  /** Every credential the process holds (Fly tokens, model API keys): a value containing one is refused. */
  credentials?: readonly string[];
  /** Other tools' credential variables that may be read: the config file's secrets.allow_env. */
  allowEnv?: readonly string[];
  /** Told every resolved value, before anything can print it. */
  onValue?: (value: string) => void;
}

/** Files usually end with a newline that is not part of the secret (`echo x > file`); one is dropped. */
function withoutFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, "");
}

const CREDENTIAL_HINT =
  "a plan may not copy flyops's or flyctl's own credentials into an app; point the reference at the app's own secret, then approve the plan again";

async function readSource(name: string, fromFile: string, options: ResolveSecretsOptions): Promise<string> {
  const path = resolve(options.cwd, fromFile);
  let value: string;
  try {
    value = withoutFinalNewline(await readSecretFile(fromFile, options));
  } catch (error) {
    if (error instanceof SecretSourceRefused)
      throw new RefusedError(`secret ${name}: refusing to read ${path}: ${error.message}`, {
        hint: CREDENTIAL_HINT,
      });
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new RefusedError(`secret ${name}: cannot read ${path} (${code})`, {
      hint: "check the fromFile path (relative paths start at the current directory) and its permissions",
    });
  }
  if (value === "") throw new RefusedError(`secret ${name}: ${path} is empty`);
  return value;
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
    let where: string;
    if ("fromEnv" in source) {
      where = `environment variable ${source.fromEnv}`;
      const refusal = envSourceRefusal(source.fromEnv, options.allowEnv);
      if (refusal)
        throw new RefusedError(`secret ${name}: refusing to read ${where}: ${refusal.why}`, {
          hint: refusal.hint ?? CREDENTIAL_HINT,
        });
      const found = options.env[source.fromEnv];
      if (found === undefined || found === "") {
        throw new RefusedError(`secret ${name}: environment variable ${source.fromEnv} is not set`, {
          hint: `export ${source.fromEnv} before running flyops apply; nothing was changed for this step`,
        });
      }
      value = found;
    } else {
      where = `file ${resolve(options.cwd, source.fromFile)}`;
      value = await readSource(name, source.fromFile, options);
    }
    // Told first: even the refusal below must not leave the value printable by anyone.
    options.onValue?.(value);
    if (credentialInValue(value, options.credentials ?? [])) {
      throw new RefusedError(
        `secret ${name}: the value read from ${where} is, or contains, a credential flyops holds (a Fly token or a model API key); it is not sent`,
        { hint: CREDENTIAL_HINT },
      );
    }
    resolved[name] = value;
  }
  return resolved;
}
