import type { Tool, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { toolsByAccess, type AnyTool } from "../../tools/index.js";
import { toolJsonSchema } from "../../tools/json-schema.js";

/**
 * What an MCP client is offered, generated from the catalog: every read tool as itself (its name,
 * description and the JSON schema `ask` gives a model), and never a write or destructive tool —
 * changes go through `propose_plan`, which only writes a plan file for a person to approve.
 */

/** A read tool only reads Fly's API: it changes nothing, and calling it again changes nothing either. */
const READ_ANNOTATIONS: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  // Its answers come from Fly.io, whose state the server does not own.
  openWorldHint: true,
};

export interface OfferedTool {
  tool: AnyTool;
  annotations: ToolAnnotations;
}

/** Every read tool of the catalog, then the front's own tools (propose_plan, unless read-only). */
export function offeredTools(own: readonly OfferedTool[]): Map<string, OfferedTool> {
  const offered = new Map<string, OfferedTool>();
  for (const tool of toolsByAccess("read")) offered.set(tool.name, { tool, annotations: READ_ANNOTATIONS });
  for (const entry of own) {
    if (offered.has(entry.tool.name)) throw new Error(`MCP tool ${entry.tool.name} is offered twice`);
    offered.set(entry.tool.name, entry);
  }
  return offered;
}

/** The tools/list entry of one tool. */
export function mcpTool({ tool, annotations }: OfferedTool): Tool {
  const schema = toolJsonSchema(tool);
  return {
    name: tool.name,
    description: tool.description,
    inputSchema: { ...schema, type: "object" },
    annotations,
  };
}
