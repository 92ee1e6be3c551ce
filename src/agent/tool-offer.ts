import type { AnyTool } from "../../tools/define-tool.js";
import {
  LOAD_TOOLS,
  loadToolsDescription,
  toolsets as catalogToolsets,
  type Toolset,
} from "../../tools/index.js";
import { toolSpec } from "../../tools/json-schema.js";
import type { ChatMessage, ToolCall, ToolSpec } from "../llm/types.js";
import type { ToolCallRecord } from "./run-tool-call.js";

export { LOAD_TOOLS };

/**
 * Which of the loop's tools a request offers. Tools of a default toolset, and tools of no toolset
 * (propose_plan, a test's tools), are always offered; the others once their set is loaded, by
 * `load_tools` or by a call to one of them (a model that knows a name loses nothing). Loading
 * offers the set from the next request on; the loop runs any of its read tools either way.
 */
export class ToolOffer {
  private readonly setOf = new Map<string, Toolset>();
  private readonly loadable: Toolset[];
  private readonly loaded = new Set<string>();

  constructor(
    private readonly tools: readonly AnyTool[],
    sets: readonly Toolset[] = catalogToolsets,
  ) {
    const given = new Set(tools.map((t) => t.name));
    for (const set of sets)
      for (const tool of set.tools) if (given.has(tool.name)) this.setOf.set(tool.name, set);
    this.loadable = sets.filter((set) => !set.default && set.tools.some((t) => given.has(t.name)));
  }

  private offered(tool: AnyTool): boolean {
    const set = this.setOf.get(tool.name);
    return !set || set.default || this.loaded.has(set.name);
  }

  /** The tool schemas of the next request: the offered tools, then `load_tools` while a set is left. */
  specs(): ToolSpec[] {
    const specs = this.tools.filter((t) => this.offered(t)).map(toolSpec);
    const left = this.loadable.filter((set) => !this.loaded.has(set.name));
    return left.length === 0 ? specs : [...specs, this.loadToolsSpec(left)];
  }

  /** A call to a tool of a set not loaded yet loads the set. */
  noteCall(name: string): void {
    const set = this.setOf.get(name);
    if (set) this.loaded.add(set.name);
  }

  /** The description names each set with its tools: its summary, generated, so it stays true as the catalog grows. */
  private loadToolsSpec(left: readonly Toolset[]): ToolSpec {
    const given = new Set(this.tools.map((t) => t.name));
    return {
      name: LOAD_TOOLS,
      description: loadToolsDescription(
        left.map((set) => ({
          name: set.name,
          tools: set.tools.filter((t) => given.has(t.name)).map((t) => t.name),
        })),
      ),
      parameters: {
        type: "object",
        properties: { sets: { type: "array", items: { type: "string", enum: left.map((s) => s.name) } } },
        required: ["sets"],
        additionalProperties: false,
      },
    };
  }

  /** Runs a `load_tools` call: loads the sets it names, answers with what is offered next. */
  load(call: ToolCall): { message: Extract<ChatMessage, { role: "tool" }>; record: ToolCallRecord } {
    const names = requestedSets(call.arguments);
    const known = new Set(this.loadable.map((s) => s.name));
    const unknown = names.filter((n) => !known.has(n));
    for (const name of names) if (known.has(name)) this.loaded.add(name);
    const ok = names.length > 0 && unknown.length === 0;
    const content = ok
      ? `loaded: ${names.join(", ")}; their tools are offered from your next turn`
      : `error: name one or more of these sets: ${[...known].join(", ")}` +
        (unknown.length > 0 ? ` (unknown: ${unknown.join(", ")})` : "");
    return {
      message: {
        role: "tool",
        toolCallId: call.id,
        name: call.name,
        content,
        ...(ok ? {} : { isError: true }),
      },
      record: { tool: call.name, input: { sets: names }, ok },
    };
  }
}

function requestedSets(text: string): string[] {
  try {
    const parsed = JSON.parse(text.trim() === "" ? "{}" : text) as unknown;
    if (typeof parsed !== "object" || parsed === null || !("sets" in parsed)) return [];
    const sets = parsed.sets;
    if (typeof sets === "string") return [sets];
    return Array.isArray(sets) ? sets.filter((s): s is string => typeof s === "string") : [];
  } catch {
    return [];
  }
}
