import { defineTool, type AnyTool } from "../../tools/define-tool.js";
import { toolsets, type Toolset } from "../../tools/index.js";
import { toolSpec, type ToolSpec } from "../../tools/json-schema.js";
import { loadAskPrompt, renderAskPrompt } from "../agent/system-prompt.js";
import { ToolOffer } from "../agent/tool-offer.js";
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
function toolsJson(specs: readonly ToolSpec[]): string {
  return JSON.stringify(specs.map((spec) => ({ type: "function", function: spec })));
}

function size(what: string, prompt: string, specs: readonly ToolSpec[]): ContextSize {
  const toolText = toolsJson(specs);
  const promptBytes = Buffer.byteLength(prompt);
  const toolBytes = Buffer.byteLength(toolText);
  return {
    what,
    tools: specs.length,
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
 * The catalog's toolsets `scale` times over: every copy after the first renamed (tools and sets),
 * the default sets staying default only once, as a catalog that grew by new resources would.
 */
function grownToolsets(scale: number): Toolset[] {
  return Array.from({ length: scale }, (_, n) =>
    toolsets.map((set) =>
      n === 0
        ? set
        : {
            name: `${set.name}_${n + 1}`,
            default: false,
            tools: set.tools.map((t) => ({ ...t, name: `${t.name}_${n + 1}` })),
          },
    ),
  ).flat();
}

/**
 * The first `flyops ask` and `flyops plan` request with the catalog as it is, or `scale` times
 * larger: ask with every read tool offered (before toolsets) and as the ask loop offers them now
 * (the default toolsets plus load_tools, src/agent/tool-offer.ts); plan as the maker offers them.
 */
export async function measureContext(scale = 1): Promise<ContextSize[]> {
  const today = new Date("2026-12-07T00:00:00Z");
  const ask = renderAskPrompt(await loadAskPrompt(), { org: undefined, app: undefined, today });
  const maker = await loadMakerPrompt({ allowDestructive: false, today });
  const sets = grownToolsets(scale);
  const reads: AnyTool[] = sets.flatMap((set) => set.tools).filter((t) => t.access === "read");
  const offered = new ToolOffer(reads, sets).specs();
  // The maker's prompt lists the write tools; a larger catalog lists more of them.
  const makerPrompt = maker + `\n${stepToolsText()}`.repeat(scale - 1);
  const label = scale === 1 ? "" : ` (catalog ×${scale})`;
  const withPlan = [...reads, proposePlanSpec];
  return [
    size(`ask, every tool${label}`, ask, reads.map(toolSpec)),
    size(`ask${label}`, ask, offered),
    // The maker offers every read tool (src/plan/maker/maker.ts).
    size(`plan${label}`, makerPrompt, withPlan.map(toolSpec)),
  ];
}
