import { defineTool, type AnyTool } from "../../tools/define-tool.js";
import { toolsByAccess } from "../../tools/index.js";
import { toolSpec } from "../../tools/json-schema.js";
import { loadAskPrompt, renderAskPrompt } from "../agent/system-prompt.js";
import { loadMakerPrompt } from "../plan/maker/maker.js";
import { MakerProposal } from "../plan/maker/proposal.js";
import { stepToolsText } from "../plan/maker/prompt.js";

/**
 * What every model request carries before the conversation itself: the system prompt and the
 * offered tools' schemas, in bytes and in approximate tokens.
 *
 * Tokens are approximated as ceil(characters / 4), OpenAI's published rule of thumb for English
 * text ("one token generally corresponds to ~4 characters", help.openai.com, "What are tokens and
 * how to count them?"); JSON schemas tokenize a little denser, so real counts run somewhat higher.
 * The eval's per-task tokens are the providers' own counts.
 */

export interface ContextSize {
  what: string;
  tools: number;
  promptBytes: number;
  toolBytes: number;
  bytes: number;
  approxTokens: number;
}

export const approxTokens = (text: string): number => Math.ceil(text.length / 4);

/** The tools as OpenAI's Chat Completions receives them; Anthropic's form is the same size within a few bytes. */
function toolsJson(tools: readonly AnyTool[]): string {
  return JSON.stringify(
    tools.map((t) => {
      const spec = toolSpec(t);
      return { type: "function", function: spec };
    }),
  );
}

function size(what: string, prompt: string, tools: readonly AnyTool[]): ContextSize {
  const toolText = toolsJson(tools);
  const promptBytes = Buffer.byteLength(prompt);
  const toolBytes = Buffer.byteLength(toolText);
  return {
    what,
    tools: tools.length,
    promptBytes,
    toolBytes,
    bytes: promptBytes + toolBytes,
    approxTokens: approxTokens(prompt) + approxTokens(toolText),
  };
}

/** The propose_plan tool as the maker offers it (its run is never called here). */
const proposePlanSpec = defineTool({
  name: "propose_plan",
  description:
    "Propose the whole change plan once you have read the facts: summary, steps (write catalog tools or raw flyctl, in order) and preconditions (read tool calls with the values you read). Nothing is changed; flyops validates it and answers with what to fix, or accepts it.",
  access: "read",
  input: MakerProposal,
  run: () => Promise.resolve({}),
  view: (result) => result,
}) as AnyTool;

/**
 * `flyops ask` and `flyops plan` requests with the catalog as it is; `scale` repeats every tool
 * (renamed) to show the size a catalog `scale` times larger would give with no mechanism to keep it down.
 */
export async function measureContext(scale = 1): Promise<ContextSize[]> {
  const today = new Date("2026-12-07T00:00:00Z");
  const ask = renderAskPrompt(await loadAskPrompt(), { org: undefined, app: undefined, today });
  const maker = await loadMakerPrompt({ allowDestructive: false, today });
  const grow = (tools: AnyTool[]): AnyTool[] =>
    Array.from({ length: scale }, (_, n) =>
      tools.map((t) => (n === 0 ? t : { ...t, name: `${t.name}_${n + 1}` })),
    ).flat();
  const reads = grow(toolsByAccess("read"));
  // The maker's prompt lists the write tools; a larger catalog lists more of them.
  const makerPrompt = maker + `\n${stepToolsText()}`.repeat(scale - 1);
  const label = scale === 1 ? "" : ` (catalog ×${scale})`;
  return [size(`ask${label}`, ask, reads), size(`plan${label}`, makerPrompt, [...reads, proposePlanSpec])];
}
