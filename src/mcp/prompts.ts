import { ErrorCode, McpError, type GetPromptResult, type Prompt } from "@modelcontextprotocol/sdk/types.js";
import type { ToolContext } from "../../tools/define-tool.js";
import { loadAskPrompt, renderAskPrompt } from "../agent/system-prompt.js";

/**
 * `ask`'s own instructions (prompts/ask.md, filled in as `ask` fills them) offered as an MCP
 * prompt, so an agent answers from the read tools the way `flyops ask` does.
 */
export const ASK_PROMPT: Prompt = {
  name: "ask",
  title: "Ask about your Fly.io fleet",
  description:
    "flyops's instructions for answering a question about a Fly.io fleet from the read tools, with the question",
  arguments: [{ name: "question", description: "The question, in plain English", required: true }],
};

export async function askPrompt(
  args: Record<string, string>,
  ctx: ToolContext,
  today: Date,
): Promise<GetPromptResult> {
  const question = args.question?.trim() ?? "";
  if (question === "") {
    throw new McpError(
      ErrorCode.InvalidParams,
      'the ask prompt needs a question, e.g. "which machines are stopped?"',
    );
  }
  const instructions = renderAskPrompt(await loadAskPrompt(), { org: ctx.org, app: ctx.app, today });
  return {
    description: ASK_PROMPT.description,
    messages: [{ role: "user", content: { type: "text", text: `${instructions}\n\nQuestion: ${question}` } }],
  };
}
