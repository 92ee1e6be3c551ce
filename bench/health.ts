/**
 * Health benchmark: "are any health checks failing?" asked with the local model, through the
 * production ask loop and catalog, against a generated fleet of 10 and of 1,000 apps (the sandbox
 * on loopback, Fly's rate limits on). It prints the requests sent to Fly, the wall time, and the
 * bytes the model receives (every message of every turn, as JSON). Checks come only with the
 * per-app listing (Fly's org listing has none), so requests grow with the apps that have a started
 * machine; the bytes a model receives grow only with the unhealthy machines.
 *
 *   node --import tsx bench/health.ts           # 10 and 1000 apps
 *   node --import tsx bench/health.ts --apps 200
 *
 * Prints figures only; nothing here asserts a time.
 */
import { parseArgs } from "node:util";
import { runAsk } from "../src/agent/ask-loop.js";
import { createFlyClients } from "../src/fly/create-clients.js";
import { createLocalModel } from "../src/llm/local/index.js";
import type { ChatModel } from "../src/llm/types.js";
import { silentLogger } from "../src/logger.js";
import { startSandbox } from "../src/sandbox/index.js";
import { Redactor } from "../src/security/redact.js";
import { toolsByAccess } from "../tools/index.js";

const QUESTION = "are any health checks failing?";
const { values } = parseArgs({ options: { apps: { type: "string", multiple: true } } });
const sizes = (values.apps ?? ["10", "1000"]).map(Number);

/** The local model, counting the bytes of every request it is sent. */
function counting(model: ChatModel): { model: ChatModel; bytes: () => number } {
  let bytes = 0;
  return {
    model: {
      ...model,
      chat: (request) => {
        bytes += Buffer.byteLength(JSON.stringify(request.messages));
        return model.chat(request);
      },
    },
    bytes: () => bytes,
  };
}

process.stdout.write(
  `| apps | machines | requests to Fly | wall ms | bytes the model receives | answer |\n|---:|---:|---:|---:|---:|---|\n`,
);
for (const apps of sizes) {
  const sandbox = await startSandbox({ seed: apps, rateLimits: true });
  let requests = 0;
  const fly = createFlyClients({
    restBaseUrl: sandbox.restBaseUrl,
    graphqlUrl: sandbox.graphqlUrl,
    mpgBaseUrl: sandbox.apiBaseUrl,
    token: sandbox.token ?? "bench-placeholder-token",
    onRequest: () => (requests += 1),
    onGraphQLRequest: () => (requests += 1),
  });
  const { model, bytes } = counting(createLocalModel());
  const start = performance.now();
  const result = await runAsk({
    question: QUESTION,
    model,
    ctx: { fly, org: undefined, app: undefined, signal: undefined, log: silentLogger },
    tools: toolsByAccess("read"),
    redactor: new Redactor(),
  });
  const ms = performance.now() - start;
  const machines = sandbox.store.toState().machines.length;
  await sandbox.close();
  const firstLine = result.answer.split("\n")[0] ?? "";
  process.stdout.write(
    `| ${apps} | ${machines} | ${requests} | ${ms.toFixed(0)} | ${bytes()} | ${firstLine} |\n`,
  );
}
