import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  MAX_EXCHANGES,
  MAX_HISTORY_BYTES,
  appendExchange,
  clearHistory,
  historyDir,
  historyFile,
  loadHistory,
} from "../../src/agent/history.js";
import { REDACTED, Redactor } from "../../src/security/redact.js";
import { runHistoryClear, runHistoryShow } from "../../src/cli/commands/history.js";

let state: string;
beforeEach(async () => {
  state = await mkdtemp(join(tmpdir(), "flyops-history-"));
});
afterEach(async () => {
  await rm(state, { recursive: true, force: true });
});

const env = (): Record<string, string> => ({ XDG_STATE_HOME: state, HOME: "/nonexistent" });

describe("history files", () => {
  it("lives in the XDG state directory, one file per org, with a collision-free name for all orgs", () => {
    expect(historyFile("acme", env())).toBe(join(state, "flyops", "flyio_acme"));
    expect(historyFile(undefined, env())).toBe(join(state, "flyops", "flyio__all"));
    expect(historyFile("  ", env())).toBe(join(state, "flyops", "flyio__all"));
    expect(historyDir({ HOME: "/home/op" })).toBe("/home/op/.local/state/flyops");
    expect(historyFile("../../etc/passwd", env())).toBe(join(state, "flyops", "flyio_------etc-passwd"));
  });

  it("writes 0600 files in a 0700 directory and reads them back", async () => {
    await mkdir(join(state, "flyops"), { mode: 0o755 });
    const file = historyFile("acme", env());
    await appendExchange(
      file,
      [],
      { question: "q1", answer: "a1", model: "local:rules" },
      { org: "acme", redactor: new Redactor() },
    );
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(state, "flyops"))).mode & 0o777).toBe(0o700);
    expect(await loadHistory(file)).toEqual([{ question: "q1", answer: "a1", model: "local:rules" }]);
    expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({ version: 1, org: "acme" });
  });

  it("redacts before writing", async () => {
    const file = historyFile("acme", env());
    const token = "fo1_" + "t".repeat(40);
    const known = "known-secret-" + "v".repeat(10);
    await appendExchange(
      file,
      [],
      { question: `why ${known}?`, answer: `token ${token}` },
      { org: "acme", redactor: new Redactor([known]) },
    );
    const text = await readFile(file, "utf8");
    expect(text).not.toContain(token);
    expect(text).not.toContain(known);
    expect(text).toContain(REDACTED);
  });

  it("keeps only the newest exchanges, within the byte cap", async () => {
    const file = historyFile("acme", env());
    const redactor = new Redactor();
    let kept: Awaited<ReturnType<typeof appendExchange>> = [];
    for (let i = 0; i < MAX_EXCHANGES + 5; i++) {
      kept = await appendExchange(
        file,
        kept,
        { question: `q${i}`, answer: `a${i}` },
        { org: "acme", redactor },
      );
    }
    expect(kept).toHaveLength(MAX_EXCHANGES);
    expect(kept[0]?.question).toBe("q5");
    const long = "word ".repeat(3000);
    for (let i = 0; i < 6; i++) {
      kept = await appendExchange(
        file,
        kept,
        { question: `big${i}`, answer: long },
        { org: "acme", redactor },
      );
    }
    expect((await stat(file)).size).toBeLessThanOrEqual(MAX_HISTORY_BYTES);
    expect(kept.at(-1)?.question).toBe("big5");
    expect(await loadHistory(file)).toEqual(kept);
  });

  it("treats a missing file as empty and an unreadable one as empty with a warning", async () => {
    const file = historyFile("acme", env());
    expect(await loadHistory(file)).toEqual([]);
    await mkdir(join(state, "flyops"), { recursive: true });
    await writeFile(file, "{not json");
    const warnings: string[] = [];
    const log = { debug: () => undefined, info: () => undefined, warn: (m: string) => warnings.push(m) };
    expect(await loadHistory(file, log)).toEqual([]);
    expect(warnings[0]).toContain(file);
  });

  it("clears", async () => {
    const file = historyFile(undefined, env());
    await appendExchange(
      file,
      [],
      { question: "q", answer: "a" },
      { org: undefined, redactor: new Redactor() },
    );
    expect(await clearHistory(file)).toBe(true);
    expect(await clearHistory(file)).toBe(false);
    expect(await loadHistory(file)).toEqual([]);
  });
});

describe("flyops history show / clear", () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    const streams = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) };
    return { out, err, deps: { env: env(), cwd: state, io: streams } };
  };

  it("shows and clears the conversation of the org named by --org or FLY_ORG", async () => {
    const file = historyFile("acme", env());
    await appendExchange(
      file,
      [],
      { question: "which app?", answer: "web" },
      { org: "acme", redactor: new Redactor() },
    );

    const shown = io();
    await runHistoryShow({ org: "acme", json: true }, shown.deps);
    expect(JSON.parse(shown.out.join(""))).toMatchObject({
      org: "acme",
      exchanges: [{ question: "which app?", answer: "web" }],
    });

    const text = io();
    text.deps.env = { ...env(), FLY_ORG: "acme" };
    await runHistoryShow({}, text.deps);
    expect(text.out.join("")).toContain("Q: which app?\nA: web\n");

    const cleared = io();
    expect(await runHistoryClear({ org: "acme" }, cleared.deps)).toEqual({ file, removed: true });
    expect(cleared.err.join("")).toContain("cleared the conversation for acme");
    const again = io();
    await runHistoryClear({}, again.deps);
    expect(again.err.join("")).toContain("no conversation to clear for all orgs");
  });
});
