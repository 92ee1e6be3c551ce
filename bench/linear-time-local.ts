/**
 * The local model's part of the linear-time benchmark (bench/linear-time.ts prints it): a turn of
 * the model on a question, a change request and a tool result of a megabyte, and the reading of
 * such a question without the model's length cap, on the near-miss shapes that super-linear
 * readings re-read from every position. A question over the cap is refused after one length
 * check, so those figures stay flat; a tool result and the uncapped reading grow with their size.
 */
import { toolsByAccess } from "../tools/index.js";
import { toolSpec } from "../tools/json-schema.js";
import { createLocalModel } from "../src/llm/local/index.js";
import { readQuestion } from "../src/llm/local/reading.js";
import type { ChatMessage, ToolCall } from "../src/llm/types.js";

/** `unit` repeated to `size` characters, after `head`. */
const fill = (size: number, unit: string, head = ""): string =>
  head + unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

export const LOCAL_SHAPES: Readonly<Record<string, (size: number) => string>> = {
  spaces: (size) => fill(size, " "),
  "sk-proj- repeated": (size) => fill(size, "sk-proj-"),
  "hyphenated digits": (size) => fill(size, "-1"),
  "dotted words": (size) => fill(size, "a."),
  "hyphenated labels": (size) => fill(size, `${"a-".repeat(31)}a.`),
  "Bearer repeated": (size) => fill(size, "Bearer "),
  "secret, no value word": (size) => fill(size, "secret "),
  "mistyped keyword": (size) => fill(size, "machnes "),
  "unclosed braces": (size) => fill(size, "{"),
};

const SYSTEM = "Context:\n- Default app: none\n- Today's date: 2026-10-10";
const ASK_TOOLS = toolsByAccess("read").map(toolSpec);
const PLAN_TOOLS = [...ASK_TOOLS, { name: "propose_plan", description: "propose", parameters: {} }];
const CALL: ToolCall = { id: "local_1", name: "machines_list", arguments: '{"app":"demo-web"}' };

/** One turn of the model; an answer, tool calls and a refusal all count as done. */
async function turn(messages: ChatMessage[], planning: boolean): Promise<void> {
  await createLocalModel()
    .chat({ messages, tools: planning ? PLAN_TOOLS : ASK_TOOLS })
    .catch(() => undefined);
}

export const LOCAL_RUNS: Readonly<Record<string, (text: string) => Promise<unknown>>> = {
  "local model, question": (text) =>
    turn(
      [
        { role: "system", content: SYSTEM },
        { role: "user", content: `${text} machines?` },
      ],
      false,
    ),
  "local model, request": (text) => turn([{ role: "user", content: `create ${text}` }], true),
  "local model, tool result": (text) =>
    turn(
      [
        { role: "user", content: "which machines are stopped in demo-web?" },
        { role: "assistant", content: "", toolCalls: [CALL] },
        { role: "tool", toolCallId: CALL.id, name: CALL.name, content: `<data>${text}</data>` },
      ],
      false,
    ),
  "readQuestion, no cap": (text) => Promise.resolve(readQuestion(`${text} machines?`, SYSTEM)),
  "readQuestion of a request, no cap": (text) =>
    Promise.resolve(readQuestion(`create ${text}`, SYSTEM, "plan")),
};
