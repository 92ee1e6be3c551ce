/** The tool that loads toolsets; the ask loop runs it itself (src/agent/tool-offer.ts). */
export const LOAD_TOOLS = "load_tools";

const HEAD =
  "Offers more read tools from your next turn on. Sets (name: its tools; any of them may also be called directly):";

/** load_tools' description: each set not offered yet, as a line "name: tool, tool". */
export function loadToolsDescription(sets: readonly { name: string; tools: readonly string[] }[]): string {
  return [HEAD, ...sets.map((set) => `${set.name}: ${set.tools.join(", ")}`)].join("\n");
}

/** The tool names a load_tools description lists: the tools a model may call without loading first. */
export function loadableToolNames(description: string): string[] {
  return description
    .split("\n")
    .slice(1)
    .flatMap((line) => (line.split(": ")[1] ?? "").split(", "))
    .filter((name) => name !== "");
}
