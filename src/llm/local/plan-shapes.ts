import { createMpg, revokeToken } from "./plan-addons.js";
import { addMachine, createApp, forkVolume, restartAll, scaleCount, scaleMemory } from "./plan-fleet.js";
import { createMachine, machineAction } from "./plan-machines.js";
import { resizeMachine } from "./plan-resize.js";
import { rollback } from "./plan-rollback.js";
import { addCert, allocateIp, releaseIp, removeCert } from "./plan-network.js";
import { deploySecrets, setSecret, unsetSecret } from "./plan-secrets.js";
import { createVolume, destroyVolume, extendVolume } from "./plan-volumes.js";
import type { Shape } from "./shape.js";

/** Change requests the local model turns into plans (maker mode), narrower shapes first. */
export const PLAN_SHAPES: readonly Shape[] = [
  revokeToken,
  createMpg,
  deploySecrets,
  unsetSecret,
  setSecret,
  removeCert,
  addCert,
  releaseIp,
  allocateIp,
  forkVolume,
  extendVolume,
  destroyVolume,
  createVolume,
  createApp,
  rollback,
  scaleCount,
  scaleMemory,
  resizeMachine,
  restartAll,
  addMachine,
  createMachine,
  machineAction,
];
