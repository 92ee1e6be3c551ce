import { execFileSync } from "node:child_process";
import {
  closeSync,
  constants,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  lstatSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RefusedError } from "../../src/errors.js";
import {
  UnsafeFileError,
  openOwnedFile,
  readOwnedFile,
  writeOwnedFileAtomic,
} from "../../src/security/owned-file.js";
import { JournalWriter, journalPath, readJournal } from "../../src/plan/apply/journal.js";
import { acquireApplyLock } from "../../src/plan/apply/lock.js";
import { writePlanFile } from "../../src/plan/schema/plan-file.js";

let dir: string;
let target: string;
const KEEP = "the target's own content\n";

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "flyops-owned-"));
  target = join(dir, "target.txt");
  writeFileSync(target, KEEP);
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const APPEND = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT;

function refusal(run: () => unknown): UnsafeFileError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UnsafeFileError);
    expect(error).toBeInstanceOf(RefusedError);
    return error as UnsafeFileError;
  }
  throw new Error("expected a refusal");
}

describe("openOwnedFile / readOwnedFile", () => {
  it("creates a missing file with mode 0600, and opens the user's own regular file", () => {
    const path = join(dir, "new.jsonl");
    closeSync(openOwnedFile(path, APPEND, "the apply journal"));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    closeSync(openOwnedFile(path, APPEND, "the apply journal"));
    expect(readOwnedFile(path, "the apply journal")).toBe("");
    expect(readOwnedFile(join(dir, "absent"), "the apply journal")).toBeUndefined();
  });

  it("refuses a symbolic link, to a file or dangling, naming the file, and writes nothing through it", () => {
    const link = join(dir, "link.jsonl");
    symlinkSync(target, link);
    const error = refusal(() => openOwnedFile(link, APPEND, "the apply journal"));
    expect(error.message).toBe(
      `refusing to use the apply journal ${link}: it is a symbolic link, and flyops never writes through one; nothing was written to it`,
    );
    expect(error.hint).toContain(`ls -l ${link}`);
    refusal(() => readOwnedFile(link, "the apply journal"));
    expect(readFileSync(target, "utf8")).toBe(KEEP);

    const dangling = join(dir, "dangling.jsonl");
    symlinkSync(join(dir, "would-be-created.txt"), dangling);
    refusal(() => openOwnedFile(dangling, APPEND, "the apply journal"));
    expect(readdirSync(dir)).not.toContain("would-be-created.txt");
  });

  it("refuses a hard-linked file, a folder and a FIFO", () => {
    const hard = join(dir, "hard.jsonl");
    linkSync(target, hard);
    expect(refusal(() => openOwnedFile(hard, APPEND, "the apply journal")).message).toContain(
      "it has 2 names (hard links)",
    );
    const folder = join(dir, "folder.jsonl");
    mkdirSync(folder);
    expect(refusal(() => openOwnedFile(folder, APPEND, "the apply journal")).message).toContain(
      "it is not a regular file",
    );
    const fifo = join(dir, "fifo.jsonl");
    execFileSync("mkfifo", [fifo]);
    expect(refusal(() => readOwnedFile(fifo, "the apply journal")).message).toContain(
      "it is not a regular file",
    );
    expect(readFileSync(target, "utf8")).toBe(KEEP);
  });

  it("refuses a file that belongs to another user", () => {
    const uid = statSync(target).uid;
    const real = process.getuid;
    process.getuid = () => uid + 1;
    try {
      expect(refusal(() => openOwnedFile(target, APPEND, "the apply lock")).message).toContain(
        `it belongs to another user (uid ${uid})`,
      );
    } finally {
      process.getuid = real;
    }
  });
});

describe("writeOwnedFileAtomic", () => {
  it("replaces the user's own file atomically, mode 0600, leaving no temp file", async () => {
    const path = join(dir, "plan.json");
    writeFileSync(path, "old", { mode: 0o644 });
    await writeOwnedFileAtomic(path, "new\n", "the plan file");
    expect(readFileSync(path, "utf8")).toBe("new\n");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(["plan.json", "target.txt"]);
  });

  it("refuses a symbolic link as target: neither the link's target nor the link changes", async () => {
    const link = join(dir, "plan.json");
    symlinkSync(target, link);
    const error = await writeOwnedFileAtomic(link, "{}\n", "the plan file").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsafeFileError);
    expect((error as Error).message).toContain(`the plan file ${link}: it is a symbolic link`);
    expect(readFileSync(target, "utf8")).toBe(KEEP);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(["plan.json", "target.txt"]);
  });

  it("is what writePlanFile uses", async () => {
    const link = join(dir, "approved.json");
    symlinkSync(target, link);
    await expect(writePlanFile(link, { version: 1 })).rejects.toBeInstanceOf(UnsafeFileError);
    expect(readFileSync(target, "utf8")).toBe(KEEP);
  });
});

describe("journal and lock beside a plan", () => {
  const sha = "a".repeat(64);
  const at = "2026-11-22T10:00:00.000Z";

  it("the journal is neither read nor appended through a link", () => {
    const planPath = join(dir, "plan.json");
    symlinkSync(target, journalPath(planPath));
    expect(() => readJournal(planPath, sha)).toThrow(UnsafeFileError);
    expect(() => JournalWriter.open(planPath)).toThrow(/the apply journal .*: it is a symbolic link/);
    expect(readFileSync(target, "utf8")).toBe(KEEP);
  });

  it("a journal that is a regular file of the user's still works, torn tail dropped", () => {
    const planPath = join(dir, "plan.json");
    const writer = JournalWriter.open(planPath);
    writer.append({ at, plan: sha, event: "apply_started", resumed: false, verified: [], ignored: [] });
    writer.close();
    writeFileSync(journalPath(planPath), '{"torn', { flag: "a" });
    JournalWriter.open(planPath).close();
    expect(readJournal(planPath, sha).entries).toHaveLength(1);
  });

  it("the lock is never a link, and release removes only the lock this apply made", () => {
    const journal = join(dir, "plan.json.journal.jsonl");
    symlinkSync(target, `${journal}.lock`);
    expect(() => acquireApplyLock(journal)).toThrow(/the apply lock .*\.lock: it is a symbolic link/);
    expect(readFileSync(target, "utf8")).toBe(KEEP);
    rmSync(`${journal}.lock`);

    const lock = acquireApplyLock(journal);
    expect(readFileSync(`${journal}.lock`, "utf8")).toBe(`${process.pid}\n`);
    // Someone replaces the lock meanwhile (another file renamed over it): releasing ours must not remove theirs.
    writeFileSync(join(dir, "theirs"), "999999\n");
    renameSync(join(dir, "theirs"), `${journal}.lock`);
    lock.release();
    expect(readFileSync(`${journal}.lock`, "utf8")).toBe("999999\n");
  });
});
