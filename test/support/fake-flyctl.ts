import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SCRIPT_URL = new URL("./fake-flyctl-script.js", import.meta.url).href;

export interface FlyctlCall {
  argv: string[];
  env: Record<string, string>;
  stdin: string;
  /** The working directory flyctl was started in, and the names of what it held. */
  cwd: string;
  cwdEntries: string[];
}

export interface FakeFlyctl {
  /** A folder holding only the fake `flyctl`: put it on PATH. */
  binDir: string;
  program: string;
  /** Every call so far, oldest first. */
  calls(): FlyctlCall[];
  cleanup(): void;
}

/**
 * Installs a fake `flyctl` executable: a node script with an absolute shebang (the child gets an
 * allowlisted environment, so `env node` cannot be relied on), made executable here, at test time.
 * Where it records is baked into the script because the runner passes it no custom variables.
 */
/** What a command run inside a machine (`machine exec`, `ssh console -C`) prints, and how it exits. */
export interface RemoteOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export function installFakeFlyctl(name: "flyctl" | "fly" = "flyctl", remote?: RemoteOutput): FakeFlyctl {
  const binDir = mkdtempSync(join(tmpdir(), "flyops-fake-flyctl-"));
  const recordFile = join(binDir, "calls.jsonl");
  const program = join(binDir, name);
  const config = JSON.stringify({ recordFile, remote });
  writeFileSync(
    program,
    `#!${process.execPath}\n` +
      `import(${JSON.stringify(SCRIPT_URL)}).then((m) => m.main(${config}), (e) => { console.error(e); process.exitCode = 70; });\n`,
  );
  chmodSync(program, 0o755);
  return {
    binDir,
    program,
    calls: () =>
      existsSync(recordFile)
        ? readFileSync(recordFile, "utf8")
            .split("\n")
            .filter((line) => line !== "")
            .map((line) => JSON.parse(line) as FlyctlCall)
        : [],
    cleanup: () => rmSync(binDir, { recursive: true, force: true }),
  };
}
