import { readFile } from "node:fs/promises";
import writeFileAtomic from "write-file-atomic";
import type { SandboxState } from "./types.js";

const STATE_KEYS = ["users", "orgs", "apps", "machines", "volumes", "secrets", "ips", "certs"] as const;

/**
 * The state file holds the whole fleet, secret values included (so a restarted sandbox still
 * has what an apply set); it is written with mode 0600. A missing file means "start from the seed".
 */
export async function readStateFile(path: string): Promise<SandboxState | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`sandbox state file ${path} is not JSON; remove it to start from the seed again`);
  }
  const state = value as Partial<SandboxState> | null;
  if (
    state?.version !== 1 ||
    typeof state.counter !== "number" ||
    STATE_KEYS.some((k) => !Array.isArray(state[k]))
  ) {
    throw new Error(
      `sandbox state file ${path} is not a flyops sandbox state (version 1); remove it to start from the seed again`,
    );
  }
  return state as SandboxState;
}

/**
 * Writes the state after changes, at most once per `debounceMs`, atomically (write-file-atomic
 * renames a complete temporary file into place). `flush` writes what is pending and waits.
 */
export class StateFileWriter {
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  private chain: Promise<void> = Promise.resolve();
  private failure: Error | undefined;

  constructor(
    private readonly path: string,
    private readonly snapshot: () => SandboxState,
    private readonly onError: (error: Error) => void,
    private readonly debounceMs = 25,
  ) {}

  schedule(): void {
    this.dirty = true;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.write();
    }, this.debounceMs);
  }

  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.dirty) this.write();
    await this.chain;
    if (this.failure) throw this.failure;
  }

  private write(): void {
    this.dirty = false;
    const data = `${JSON.stringify(this.snapshot())}\n`;
    this.chain = this.chain
      .then(() => writeFileAtomic(this.path, data, { mode: 0o600 }))
      .catch((error: unknown) => {
        this.failure = error instanceof Error ? error : new Error(String(error));
        this.onError(this.failure);
      });
  }
}
