import type { ChatModel, ChatRequest, ChatResponse, ToolCall } from "../types.js";
import { readConversation, type Conversation } from "./conversation.js";
import { findMachineIds, findRegions, findStates, withoutRegions, withoutStates, words } from "./entities.js";
import { LocalModelCannotAnswer } from "./errors.js";
import { AnswerNow, NeedCalls, Session, ToolUnavailable, type PlannedCall } from "./session.js";
import { CannotAnswer, type Shape } from "./shape.js";
import { SHAPES, supportedShapeLines } from "./shapes.js";

export const LOCAL_MODEL_ID = "local:rules";

/**
 * The built-in model: no network, no randomness. Each chat() call reads the whole conversation,
 * picks the shape of the last user message, replays that shape over the tool results so far, and
 * either asks for the next tool calls or writes the answer. See README.md in this folder.
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
  const shapes = SHAPES.filter((s) => s.mode === mode);
  const supported = supportedShapeLines(mode);
  const chosen = chooseShape(conversation, shapes);
  if (!chosen) throw new LocalModelCannotAnswer(conversation.question, supported);
  if (mode === "plan") {
    const also = shapes.filter((s) => s !== chosen.shape && s.matches(conversation.question));
    if (also.length > 0) {
      const kinds = [chosen.shape, ...also].map((s) => s.description.split(" (")[0]).join("; ");
      throw new LocalModelCannotAnswer(
        conversation.question,
        supported,
        `the local model makes one change per plan, and this request reads as several (${kinds})`,
      );
    }
  }

  const session = new Session(conversation, request.tools, chosen.earlier);
  let text: string;
  try {
    text = chosen.shape.run(session);
  } catch (signal) {
    if (signal instanceof NeedCalls) return callTools(signal.calls, conversation);
    if (signal instanceof CannotAnswer || signal instanceof ToolUnavailable) {
      throw new LocalModelCannotAnswer(
        conversation.question,
        supported,
        `the local model cannot answer this: ${signal.message}`,
      );
    }
    if (!(signal instanceof AnswerNow)) throw signal;
    text = signal.text;
  }
  request.onText?.(text);
  return { text, toolCalls: [], usage: { inputTokens: 0, outputTokens: 0 }, stopReason: "end" };
}

function callTools(calls: readonly PlannedCall[], conversation: Conversation): ChatResponse {
  const toolCalls: ToolCall[] = calls.map((call, i) => ({
    id: `local_${conversation.callCount + i + 1}`,
    name: call.name,
    arguments: JSON.stringify(call.input),
  }));
  return { text: "", toolCalls, usage: { inputTokens: 0, outputTokens: 0 }, stopReason: "tool_calls" };
}

const FOLLOW_UP =
  /^\s*(and|what about|how about|same for|same in|in|for|only|just|now|also|then|ok(ay)?,?|and what about)\b/i;
const FOLLOW_UP_MAX_WORDS = 8;

interface Chosen {
  shape: Shape;
  /** Set for a follow-up: the earlier question it refines. */
  earlier?: string;
}

/**
 * The shape of the last user message. A short follow-up ("and in ord?", "what about web-api?")
 * that matches no shape, or only the describe shape through "what about", takes the shape of the
 * latest earlier question that had one; the follow-up's states and regions replace the earlier ones.
 */
function chooseShape(conversation: Conversation, shapes: readonly Shape[]): Chosen | undefined {
  const question = conversation.question.trim();
  if (question === "") return undefined;
  const direct = shapes.find((s) => s.matches(question));
  const followUp = FOLLOW_UP.test(question) && words(question).length <= FOLLOW_UP_MAX_WORDS;
  if (direct && (!followUp || direct.id !== "describe" || findMachineIds(question).length > 0))
    return { shape: direct };
  if (!followUp) return undefined;
  for (const earlier of [...conversation.earlierQuestions].reverse()) {
    const shape = shapes.find((s) => s.matches(earlier));
    if (!shape) continue;
    let base = earlier;
    if (findStates(question).length > 0) base = withoutStates(base);
    if (findRegions(question).length > 0) base = withoutRegions(base);
    return { shape, earlier: base.trim() };
  }
  return direct ? { shape: direct } : undefined;
}
