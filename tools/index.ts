import { addonTools } from "./addons.js";
import { appTools } from "./apps.js";
import { appsScaleShow } from "./app-fleet.js";
import { appsRestart } from "./app-restart.js";
import { appsRollback } from "./app-rollback.js";
import { appsCreate, appsDestroy } from "./app-writes.js";
import { machinesClone } from "./machine-clone.js";
import { machinesMetadataSet, machinesMetadataUnset } from "./machine-metadata.js";
import { machinesKill, machinesSignal } from "./machine-signal.js";
import { appsScaleCount } from "./scale-count.js";
import { appsScaleMemory, appsScaleVm } from "./scale-size.js";
import { volumesFork } from "./volume-fork.js";
import { machinesSecretsUpdate } from "./machine-secrets.js";
import { secretsDeploy, secretsDeployStatus } from "./secrets-deploy.js";
import { certTools } from "./certs.js";
import { changeTools } from "./changes.js";
import { eventTools } from "./events.js";
import { FlyopsError } from "../src/errors.js";
import {
  isWriteTool,
  providerOf,
  type Access,
  type AnyTool,
  type AnyWriteTool,
  type Provider,
} from "./define-tool.js";
import { ipTools } from "./ips.js";
import { logTools } from "./logs.js";
import { machineTools } from "./machines.js";
import { metricTools } from "./metrics.js";
import { memberTools } from "./members.js";
import { mpgReadTools } from "./mpg.js";
import { mpgWriteTools } from "./mpg-writes.js";
import { postgresTools } from "./postgres.js";
import { platformTools } from "./platform.js";
import { releaseTools } from "./releases.js";
import { secretTools } from "./secrets.js";
import { tokenTools } from "./tokens.js";
import { statusTools } from "./status.js";
import { volumeTools } from "./volumes.js";
import { wireguardTools } from "./wireguard.js";
import { flywpBackupsList, flywpBackupsCreate } from "./flywp-backups.js";
import {
  flywpCronsCreate,
  flywpCronsList,
  flywpDatabasesList,
  flywpSshKeysAdd,
  flywpSshKeysList,
} from "./flywp-server-items.js";
import { flywpServersCreate, flywpServersGet, flywpServersList } from "./flywp-servers.js";
import { flywpSitesCreate, flywpSitesGet, flywpSitesList } from "./flywp-sites.js";

/**
 * The catalog by resource, in catalog order: a toolset is one of these groups. A model is offered
 * the default sets plus `load_tools` (src/agent/tool-offer.ts), so its context does not grow with
 * the catalog; the names here are the sets' names, the tools stay where they are defined.
 */
const groups: Readonly<Record<string, readonly AnyTool[]>> = {
  apps: [
    ...appTools,
    appsCreate,
    appsDestroy,
    appsScaleShow,
    appsScaleCount,
    appsScaleVm,
    appsScaleMemory,
    appsRestart,
    appsRollback,
  ],
  machines: [
    ...machineTools,
    machinesClone,
    machinesMetadataSet,
    machinesMetadataUnset,
    machinesSignal,
    machinesKill,
    machinesSecretsUpdate,
  ],
  volumes: [...volumeTools, volumesFork],
  secrets: [...secretTools, secretsDeployStatus, secretsDeploy],
  ips: ipTools,
  certs: certTools,
  platform: platformTools,
  logs: logTools,
  metrics: metricTools,
  postgres: [...postgresTools, ...mpgReadTools, ...mpgWriteTools],
  addons: addonTools,
  members: memberTools,
  tokens: tokenTools,
  wireguard: wireguardTools,
  status: statusTools,
  events: eventTools,
  releases: releaseTools,
  changes: changeTools,
  // A second provider is tools like any other: FlyWP's, each marked with its provider.
  flywp: [
    flywpServersList,
    flywpServersGet,
    flywpSitesList,
    flywpSitesGet,
    flywpDatabasesList,
    flywpSshKeysList,
    flywpCronsList,
    flywpBackupsList,
    flywpServersCreate,
    flywpSitesCreate,
    flywpSshKeysAdd,
    flywpCronsCreate,
    flywpBackupsCreate,
  ],
};

/** The sets every request offers: the apps and their status, where most questions start. */
const DEFAULT_TOOLSETS: ReadonlySet<string> = new Set(["apps", "status"]);

export interface Toolset {
  name: string;
  tools: readonly AnyTool[];
  /** Offered on every request without being loaded. */
  default: boolean;
}

export const toolsets: readonly Toolset[] = Object.freeze(
  Object.entries(groups).map(([name, tools]) => ({ name, tools, default: DEFAULT_TOOLSETS.has(name) })),
);

/** Every Fly operation flyops knows, once. The ask loop, the maker, apply and the CLI all take tools from here. */
export const catalog: readonly AnyTool[] = Object.freeze(toolsets.flatMap((set) => set.tools));

const byName = new Map(catalog.map((tool) => [tool.name, tool]));

export function findTool(name: string): AnyTool | undefined {
  return byName.get(name);
}

/** A tool that must exist: a name from a plan file, a journal or a precondition. */
export function requireTool(name: string): AnyTool {
  const tool = byName.get(name);
  if (!tool) {
    throw new FlyopsError(`unknown tool "${name}": not in the flyops catalog`, {
      hint: "`flyops plan check FILE` lists what is wrong with a plan; tools are listed by `flyops fly --help`",
    });
  }
  return tool;
}

/** The catalog's write and destructive tools: the ones a plan step can name. */
export function writeTools(): AnyWriteTool[] {
  return catalog.filter(isWriteTool);
}

export function toolsByAccess(...access: Access[]): AnyTool[] {
  return catalog.filter((tool) => access.includes(tool.access));
}

/** One provider's tools of the given kinds, in catalog order: what a front offers for that provider. */
export function providerTools(provider: Provider, ...access: Access[]): AnyTool[] {
  return catalog.filter(
    (tool) => providerOf(tool) === provider && (access.length === 0 || access.includes(tool.access)),
  );
}

/**
 * The toolsets of one provider's tools. A provider with no default set is small enough to be
 * offered whole (FlyWP's eight reads), so its sets become default; Fly's stay as they are.
 */
export function providerToolsets(provider: Provider): Toolset[] {
  const sets = toolsets.filter((set) => set.tools.every((tool) => providerOf(tool) === provider));
  return sets.some((set) => set.default) ? sets : sets.map((set) => ({ ...set, default: true }));
}

export { isWriteTool, providerOf } from "./define-tool.js";
export { LOAD_TOOLS, loadToolsDescription, loadableToolNames } from "./load-tools.js";
export type { Access, AnyTool, AnyWriteTool, Provider, ToolContext, ToolDefinition } from "./define-tool.js";
