import {
  closeSync,
  constants,
  fsyncSync,
  fstatSync,
  openSync,
  readFileSync,
  ftruncateSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { FlyopsError, RefusedError } from "../../errors.js";
import { openOwnedFile, readOwnedFile } from "../../security/owned-file.js";

/**
 * The apply journal: `FILE.journal.jsonl` beside the plan, one JSON object per line, appended and
 * fsynced entry by entry, mode 0600. It is how an apply that died (crash, SIGKILL, lost network)
 * knows on `--resume` which steps are done, which one was in flight, and what was created.
 *
 * Every entry carries the plan's sha256 (the digest approval covers), so a journal written for
 * another version of the plan is never mistaken for this one's. Entries hold ids, names and states
 * only: never a secret value (secrets_set steps journal the secret names).
 *
 * The journal is read and written only as a regular file of the user's own, never through a
 * symbolic link (owned-file.ts): git carries links, and a plan's folder may come from a pull request.
 */

const JOURNAL = "the apply journal";

/** What a step created or changed, in ids and names; nothing else is kept. */
export type StepEffect = Record<string, string | number | boolean | string[]>;

interface Base {
  at: string;
  plan: string;
}

export type JournalEntry =
  | (Base & {
      event: "apply_started";
      resumed: boolean;
      /** Preconditions (by index) checked against live state just before this run's steps. */
      verified: number[];
      /** Preconditions the person chose to run past with --ignore-drift. */
      ignored: number[];
    })
  | (Base & {
      event: "step_started";
      step: string;
      tool: string;
      /** For creates: ids that already existed before this step, so reconciliation can tell what is new. */
      before?: string[];
    })
  | (Base & {
      event: "step_done";
      step: string;
      tool: string;
      how: "ran" | "adopted" | "confirmed";
      changed: StepEffect;
    })
  | (Base & {
      event: "step_failed";
      step: string;
      tool: string;
      error: string;
      /**
       * The step was refused before it sent any change (a machine leased by someone else): it
       * counts as never started, and `--resume` runs it from the start without reconciling.
       */
      unchanged?: boolean;
    })
  | (Base & { event: "apply_finished" });

export type StepStatus = "done" | "interrupted";

export interface JournalState {
  path: string;
  entries: JournalEntry[];
  /** Per step id: done, or started/failed without a recorded success. Absent: never started. */
  steps: Map<string, StepStatus>;
  /** The last step_started entry of each step (its `before` snapshot is needed to reconcile). */
  starts: Map<string, Extract<JournalEntry, { event: "step_started" }>>;
  finished: boolean;
  /** Preconditions verified (or knowingly ignored) before the first step ever ran. */
  verifiedBeforeSteps: Set<number>;
}

export function journalPath(planPath: string): string {
  return `${planPath}.journal.jsonl`;
}

export class JournalMismatchError extends RefusedError {}

function shortSha(sha: string): string {
  return sha.slice(0, 12);
}

function parseLines(path: string, text: string): JournalEntry[] {
  const lines = text.split("\n");
  // A line without its newline is a write the crash cut short: it never happened.
  if (lines.at(-1) !== "") lines.pop();
  const entries: JournalEntry[] = [];
  lines.forEach((line, index) => {
    if (line === "") return;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch {
      throw new FlyopsError(`the journal ${path} is damaged at line ${index + 1}`, {
        hint: "it is not safe to resume from it; inspect the file, check the state of the app by hand, then move the journal aside",
      });
    }
  });
  return entries;
}

export function readJournal(planPath: string, planSha: string): JournalState {
  const path = journalPath(planPath);
  const entries = parseLines(path, readOwnedFile(path, JOURNAL) ?? "");
  const foreign = entries.find((entry) => entry.plan !== planSha);
  if (foreign) {
    throw new JournalMismatchError(
      `the journal ${path} belongs to another version of this plan (${shortSha(foreign.plan)}, this one is ${shortSha(planSha)})`,
      {
        hint: "the plan changed after it was (partly) applied; check the app's state, then move the old journal aside to apply this version from its first step",
      },
    );
  }
  const state: JournalState = {
    path,
    entries,
    steps: new Map(),
    starts: new Map(),
    finished: false,
    verifiedBeforeSteps: new Set(),
  };
  let anyStepStarted = false;
  const interruptedBefore = new Set<string>();
  for (const entry of entries) {
    switch (entry.event) {
      case "apply_started":
        if (!anyStepStarted)
          [...entry.verified, ...entry.ignored].forEach((index) => state.verifiedBeforeSteps.add(index));
        break;
      case "step_started":
        anyStepStarted = true;
        if (state.steps.get(entry.step) === "interrupted") interruptedBefore.add(entry.step);
        else interruptedBefore.delete(entry.step);
        state.starts.set(entry.step, entry);
        if (state.steps.get(entry.step) !== "done") state.steps.set(entry.step, "interrupted");
        break;
      case "step_done":
        state.steps.set(entry.step, "done");
        break;
      case "step_failed":
        // Refused before any change: as it was before this start (never started, or still
        // interrupted by an earlier run, which `--resume` must reconcile as before).
        if (
          entry.unchanged === true &&
          state.steps.get(entry.step) !== "done" &&
          !interruptedBefore.has(entry.step)
        ) {
          state.steps.delete(entry.step);
          state.starts.delete(entry.step);
        } else state.steps.set(entry.step, "interrupted");
        break;
      case "apply_finished":
        state.finished = true;
        break;
    }
  }
  return state;
}

/** Appends entries durably: each is written whole, then fsynced, before the caller goes on. */
export class JournalWriter {
  readonly path: string;
  readonly #fd: number;

  private constructor(path: string, fd: number) {
    this.path = path;
    this.#fd = fd;
  }

  static open(planPath: string): JournalWriter {
    const path = journalPath(planPath);
    const fd = openOwnedFile(path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, JOURNAL);
    try {
      JournalWriter.#dropTornTail(fd);
      // A new journal's directory entry must survive the crash too.
      JournalWriter.#fsyncDir(dirname(path));
      return new JournalWriter(path, fd);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  static #dropTornTail(fd: number): void {
    if (fstatSync(fd).size === 0) return;
    // Read through the descriptor that was checked, from its start (O_APPEND moves only writes).
    const text = readFileSync(fd, "utf8");
    if (text.endsWith("\n")) return;
    ftruncateSync(fd, Buffer.byteLength(text.slice(0, text.lastIndexOf("\n") + 1)));
    fsyncSync(fd);
  }

  static #fsyncDir(dir: string): void {
    let dirFd: number | undefined;
    try {
      dirFd = openSync(dir, "r");
      fsyncSync(dirFd);
    } catch {
      // Some platforms cannot fsync a directory; the entries themselves are still synced.
    } finally {
      if (dirFd !== undefined) closeSync(dirFd);
    }
  }

  append(entry: JournalEntry): void {
    writeSync(this.#fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(this.#fd);
  }

  close(): void {
    closeSync(this.#fd);
  }
}
