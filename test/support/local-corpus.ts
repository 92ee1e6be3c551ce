import { runAsk } from "../../src/agent/ask-loop.js";
import type { Exchange } from "../../src/agent/history.js";
import { createFlyClients } from "../../src/fly/create-clients.js";
import { LocalModelCannotAnswer, createLocalModel } from "../../src/llm/local/index.js";
import { silentLogger } from "../../src/logger.js";
import { startSandbox } from "../../src/sandbox/index.js";
import { Redactor } from "../../src/security/redact.js";
import type { ToolContext } from "../../tools/define-tool.js";
import { toolsByAccess } from "../../tools/index.js";
import { TODAY, type CorpusCase, type Expected } from "../integration/local-corpus-cases.js";

/**
 * Runs the question corpus through the production ask loop and catalog with the local model,
 * against an in-process sandbox with the demo seed over loopback HTTP; shared by the corpus test
 * and the tally in bench/.
 */

export interface CorpusWorld {
  /** Clients of their own for each question, as each `flyops ask` is a process of its own (and its own rate limiter). */
  context(): ToolContext;
  close(): Promise<void>;
}

export async function openCorpusWorld(): Promise<CorpusWorld> {
  // The sandbox starts at TODAY, so the demo incident sits in the hour before the conversation's date.
  const sandbox = await startSandbox({ port: 0, seed: "demo", rateLimits: false, now: new Date(TODAY) });
  const context = (): ToolContext => ({
    fly: createFlyClients({
      restBaseUrl: sandbox.restBaseUrl,
      mpgBaseUrl: sandbox.restBaseUrl,
      graphqlUrl: sandbox.graphqlUrl,
      apiBaseUrl: sandbox.apiBaseUrl,
      prometheusUrl: sandbox.prometheusUrl,
      token: sandbox.env.FLY_API_TOKEN ?? "",
    }),
    org: undefined,
    app: undefined,
    signal: undefined,
    log: silentLogger,
    now: () => Date.parse(TODAY),
  });
  return { context, close: () => sandbox.close() };
}

export type Reply = { refused: false; answer: string } | { refused: true; message: string };

async function askOnce(world: CorpusWorld, question: string, history: readonly Exchange[]): Promise<Reply> {
  try {
    const result = await runAsk({
      question,
      model: createLocalModel(),
      ctx: world.context(),
      tools: toolsByAccess("read"),
      history,
      redactor: new Redactor(),
      now: new Date(TODAY),
    });
    return { refused: false, answer: result.answer };
  } catch (error) {
    if (error instanceof LocalModelCannotAnswer) return { refused: true, message: error.message };
    throw error;
  }
}

/** Asks the case's earlier questions first, recording a refused one the way `flyops ask` does. */
export async function askCase(world: CorpusWorld, item: CorpusCase): Promise<Reply> {
  const history: Exchange[] = [];
  for (const earlier of item.before ?? []) {
    const reply = await askOnce(world, earlier, history);
    history.push({
      question: earlier,
      answer: reply.refused ? `(not answered) ${reply.message}` : reply.answer,
    });
  }
  return askOnce(world, item.question, history);
}

export type Verdict = { tally: "right" } | { tally: "refused" | "wrong"; why: string };

/** Right, refused (an answer was expected), or wrong (a fact missing, a fact too many, or an answer where a refusal was due). */
export function judge(expected: Expected, reply: Reply): Verdict {
  if (expected === "refuses")
    return reply.refused
      ? { tally: "right" }
      : { tally: "wrong", why: `answered instead of refusing:\n${reply.answer}` };
  if (reply.refused) return { tally: "refused", why: reply.message };
  const missing = expected.has.filter((fact) => !reply.answer.includes(fact));
  const extra = (expected.not ?? []).filter((fact) => reply.answer.includes(fact));
  if (missing.length === 0 && extra.length === 0) return { tally: "right" };
  return {
    tally: "wrong",
    why: `${missing.length > 0 ? `missing ${missing.join(", ")}; ` : ""}${extra.length > 0 ? `should not name ${extra.join(", ")}; ` : ""}answer:\n${reply.answer}`,
  };
}
