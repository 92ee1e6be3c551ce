/**
 * Fleet benchmark: how long the fleet-wide questions take and how much memory they hold on a
 * generated fleet, through the same catalog and clients the CLI uses, against the sandbox on
 * loopback with Fly's rate limits on (the client-side limiter must keep it free of 429s).
 *
 *   npm run bench                 # 1000 apps, about 5,000 machines
 *   npm run bench -- --apps 200
 *
 * The steps run back to back in one process and share its client-side limiter, as a long session
 * would: a step that follows another listing of the same org waits for Fly's per-org pace, where a
 * fresh `flyops ask` starts with the full burst.
 *
 * Prints figures only; nothing here asserts a time.
 */
import { parseArgs } from "node:util";
import { Redactor } from "../src/security/redact.js";
import { runAsk } from "../src/agent/ask-loop.js";
import { createFlyClients } from "../src/fly/create-clients.js";
import type { RecordedRequest } from "../src/fly/http.js";
import { createLocalModel } from "../src/llm/local/index.js";
import { silentLogger } from "../src/logger.js";
import { startSandbox } from "../src/sandbox/index.js";
import { findTool, toolsByAccess } from "../tools/index.js";
import { invokeTool } from "../tools/invoke.js";
import type { ToolContext } from "../tools/define-tool.js";

const { values } = parseArgs({ options: { apps: { type: "string", default: "1000" } } });
const appCount = Number(values.apps);

interface Figure {
  what: string;
  ms: number;
  requests: number;
  retries: number;
  detail: string;
}

const figures: Figure[] = [];
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

const bootStart = performance.now();
const sandbox = await startSandbox({ seed: appCount, rateLimits: true });
const bootMs = performance.now() - bootStart;

let requests = 0;
let retries = 0;
const fly = createFlyClients({
  restBaseUrl: sandbox.restBaseUrl,
  mpgBaseUrl: sandbox.restBaseUrl,
  graphqlUrl: sandbox.graphqlUrl,
  token: sandbox.token ?? "bench-placeholder-token",
  onRequest: (_r: RecordedRequest) => (requests += 1),
  onGraphQLRequest: () => (requests += 1),
  // The transport logs each retry at debug level; with the client-side limiter there should be none.
  log: { ...silentLogger, debug: (m: string) => (m.includes("; retry ") ? (retries += 1) : undefined) },
});
const ctx: ToolContext = { fly, org: undefined, app: undefined, signal: undefined, log: silentLogger };

async function measure(what: string, work: () => Promise<string>): Promise<void> {
  requests = 0;
  retries = 0;
  const start = performance.now();
  const detail = await work();
  figures.push({ what, ms: performance.now() - start, requests, retries, detail });
}

async function tool(name: string, input: unknown): Promise<unknown> {
  const found = findTool(name);
  if (!found) throw new Error(`no tool ${name}`);
  return invokeTool(ctx, found, input);
}

const count = (value: unknown): string => (Array.isArray(value) ? `${value.length} rows` : "1 result");

await measure("apps_list with regions (all orgs)", async () =>
  count(await tool("apps_list", { include: ["regions"] })),
);
await measure("org_machines_list, top 10 by memory", async () =>
  count(await tool("org_machines_list", { sort: "memory", order: "desc", limit: 10 })),
);
await measure("org_machines_list, stopped in iad", async () =>
  count(await tool("org_machines_list", { state: ["stopped"], region: "iad" })),
);
await measure("org_volumes_list, unattached", async () =>
  count(await tool("org_volumes_list", { attached: false })),
);
for (const question of [
  "which machines are using the most memory?",
  "how many machines per region?",
  "do I have any unattached volumes?",
]) {
  await measure(`ask (local): ${question}`, async () => {
    const result = await runAsk({
      question,
      model: createLocalModel(),
      ctx,
      tools: toolsByAccess("read"),
      redactor: new Redactor(),
    });
    return `${result.steps} model turns, ${result.toolCalls.length} tool calls, answer ${result.answer.length} chars`;
  });
}

const memory = process.memoryUsage();
await sandbox.close();

const machines = sandbox.store.toState().machines.length;
process.stdout.write(
  `fleet: ${appCount} apps, ${machines} machines; sandbox seeded and listening in ${bootMs.toFixed(0)} ms\n\n`,
);
process.stdout.write(
  "| what | wall ms | requests | retries (429/5xx) | result |\n|---|---:|---:|---:|---|\n",
);
for (const f of figures) {
  process.stdout.write(`| ${f.what} | ${f.ms.toFixed(0)} | ${f.requests} | ${f.retries} | ${f.detail} |\n`);
}
process.stdout.write(
  `\nprocess (client and sandbox together): heap used ${mb(memory.heapUsed)}, rss ${mb(memory.rss)}\n`,
);
