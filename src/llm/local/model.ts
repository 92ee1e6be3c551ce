import { findTool, LOAD_TOOLS, loadableToolNames, providerOf } from "../../../tools/index.js";
import { emptyUsage, type ChatModel, type ChatRequest, type ChatResponse, type ToolCall } from "../types.js";
import { choose } from "./choose.js";
import { readConversation, type Conversation } from "./conversation.js";
import { drive } from "./drive.js";
import { LocalModelCannotAnswer } from "./errors.js";
import { Session, type PlannedCall } from "./session.js";
import { CannotAnswer } from "./shape.js";
import { SHAPES, supportedShapeLines } from "./shapes.js";

export const LOCAL_MODEL_ID = "local:rules";

/**
 * The built-in model: no network, no randomness. Each chat() call reads the whole conversation,
 * picks the shape of the last user message, runs it over the tool results so far, and either asks
 * for the next tool calls or writes the answer. See README.md in this folder.
 */
export function createLocalModel(): ChatModel {
  return {
    id: LOCAL_MODEL_ID,
    // Through a promise executor, so that every failure (an aborted signal, a question it cannot answer) is a rejection.
    chat: (request) => new Promise((resolve) => resolve(respond(request))),
  };
}

function respond(request: ChatRequest): ChatResponse {
  request.signal?.throwIfAborted();
  const conversation = readConversation(request.messages);
  const mode = request.tools.some((t) => t.name === "propose_plan") ? "plan" : "ask";
  const offered = new Set(request.tools.map((t) => t.name));
  // The loop also runs a tool load_tools lists when it is called by name (src/agent/tool-offer.ts).
  const loader = request.tools.find((t) => t.name === LOAD_TOOLS);
  for (const name of loadableToolNames(loader?.description ?? "")) offered.add(name);
  // A shape of a provider whose tools are not offered cannot run: the catalog says whose each tool is.
  const providers = new Set(
    [...offered].flatMap((name) => {
      const tool = findTool(name);
      return tool ? [providerOf(tool)] : [];
    }),
  );
  const shapes = SHAPES.filter((s) => s.mode === mode && providers.has(s.provider ?? "fly"));
  const supported = supportedShapeLines(mode, (s) => providers.has(s.provider ?? "fly"));
  const refuse = (reason?: string): LocalModelCannotAnswer =>
    new LocalModelCannotAnswer(
      conversation.question,
      supported,
      reason && `the local model cannot answer this: ${reason}`,
    );
  const choice = choose(conversation.question, conversation.earlierQuestions, shapes, conversation.system);
  if (!("chosen" in choice)) throw refuse(choice.refusal);
  const { shape, reading, followUp } = choice.chosen;
  if (mode === "plan") {
    const also = shapes.filter((s) => s !== shape && s.matches(reading.text));
    if (also.length > 0) {
      const kinds = [shape, ...also].map((s) => s.description.split(" (")[0]).join("; ");
      throw new LocalModelCannotAnswer(
        conversation.question,
        supported,
        `the local model makes one change per plan, and this request reads as several (${kinds})`,
      );
    }
  }
  const session = new Session(conversation, reading, followUp);
  let turn;
  try {
    turn = drive(shape.run(session), conversation, offered);
  } catch (error) {
    if (error instanceof CannotAnswer) throw refuse(error.reason);
    throw error;
  }
  if ("calls" in turn) return callTools(turn.calls, conversation);
  request.onText?.(turn.answer);
  return { text: turn.answer, toolCalls: [], usage: emptyUsage(), stopReason: "end" };
}

function callTools(calls: readonly PlannedCall[], conversation: Conversation): ChatResponse {
  const toolCalls: ToolCall[] = calls.map((call, i) => ({
    id: `local_${conversation.callCount + i + 1}`,
    name: call.name,
    arguments: JSON.stringify(call.input),
  }));
  return { text: "", toolCalls, usage: emptyUsage(), stopReason: "tool_calls" };
}
