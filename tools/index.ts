import { appTools } from "./apps.js";
import { certTools } from "./certs.js";
import type { Access, AnyTool } from "./define-tool.js";
import { ipTools } from "./ips.js";
import { machineTools } from "./machines.js";
import { platformTools } from "./platform.js";
import { secretTools } from "./secrets.js";
import { volumeTools } from "./volumes.js";

/** Every Fly operation flyops knows, once. The ask loop, the maker, apply and the CLI all take tools from here. */
export const catalog: readonly AnyTool[] = Object.freeze([
  ...appTools,
  ...machineTools,
  ...volumeTools,
  ...secretTools,
  ...ipTools,
  ...certTools,
  ...platformTools,
]);

const byName = new Map(catalog.map((tool) => [tool.name, tool]));

export function findTool(name: string): AnyTool | undefined {
  return byName.get(name);
}

export function toolsByAccess(...access: Access[]): AnyTool[] {
  return catalog.filter((tool) => access.includes(tool.access));
}

export type { Access, AnyTool, ToolContext, ToolDefinition } from "./define-tool.js";
