import { Command } from "commander";
import { ALL_ORGS_KEY, clearHistory, historyFile, loadHistory, type Exchange } from "../../agent/history.js";
import { resolveConfig } from "../../config/index.js";
import type { Env } from "../../llm/select.js";
import { terminalSafe } from "../../security/terminal-safe.js";
import { jsonText, processIo, type Io } from "../output.js";

export interface HistoryOptions {
  /** --org; otherwise the configured org filter, as `flyops ask` resolves it. */
  org?: string;
  json?: boolean;
  raw?: boolean;
}

export interface HistoryDeps {
  io: Io;
  env: Env;
  cwd?: string;
}

function targetFile(options: HistoryOptions, deps: HistoryDeps): { org: string | undefined; file: string } {
  const { org } = resolveConfig({ org: options.org, env: deps.env, cwd: deps.cwd });
  return { org, file: historyFile(org, deps.env) };
}

/** `flyops history clear`: the next question starts a new conversation. */
export async function runHistoryClear(
  options: HistoryOptions,
  deps: HistoryDeps,
): Promise<{ file: string; removed: boolean }> {
  const { org, file } = targetFile(options, deps);
  const removed = await clearHistory(file);
  const whose = org ?? "all orgs";
  if (options.json || options.raw) deps.io.stdout(jsonText({ file, removed }));
  else
    deps.io.stderr(
      removed
        ? `cleared the conversation for ${whose} (${file})\n`
        : `no conversation to clear for ${whose}\n`,
    );
  return { file, removed };
}

/** `flyops history show`: the stored questions and answers, oldest first. */
export async function runHistoryShow(options: HistoryOptions, deps: HistoryDeps): Promise<Exchange[]> {
  const { org, file } = targetFile(options, deps);
  const exchanges = await loadHistory(file);
  if (options.json || options.raw) {
    deps.io.stdout(jsonText({ org: org ?? ALL_ORGS_KEY, file, exchanges }));
  } else if (exchanges.length === 0) {
    deps.io.stderr(`no conversation yet for ${org ?? "all orgs"}\n`);
  } else {
    for (const exchange of exchanges) {
      // A history file is data on disk (and the answers came from a model): every field is escaped.
      const when = exchange.at ? ` (${exchange.at}${exchange.model ? `, ${exchange.model}` : ""})` : "";
      const question = terminalSafe(exchange.question, "lines");
      const answer = terminalSafe(exchange.answer.trimEnd(), "lines");
      deps.io.stdout(`Q${terminalSafe(when)}: ${question}\nA: ${answer}\n\n`);
    }
  }
  return exchanges;
}

const processDeps = (): HistoryDeps => ({ io: processIo, env: process.env });

export function historyCommand(): Command {
  const history = new Command("history");
  history
    .command("show")
    .description("print the stored questions and answers, oldest first")
    .option(
      "--org <slug>",
      "org whose conversation to show (default: the configured org filter, else all orgs)",
    )
    .option("--json", "print JSON only")
    .option("--raw", "alias of --json")
    .action(async (options: HistoryOptions) => {
      await runHistoryShow(options, processDeps());
    });
  history
    .command("clear")
    .description("remove the stored conversation, so the next question starts fresh")
    .option(
      "--org <slug>",
      "org whose conversation to clear (default: the configured org filter, else all orgs)",
    )
    .option("--json", "print JSON only")
    .option("--raw", "alias of --json")
    .action(async (options: HistoryOptions) => {
      await runHistoryClear(options, processDeps());
    });
  return history;
}
