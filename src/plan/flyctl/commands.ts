import { ACCESS_COMMANDS } from "./commands-access.js";
import { APP_COMMANDS } from "./commands-app.js";
import { MACHINE_COMMANDS } from "./commands-machines.js";
import { PERSISTENT_FLAGS, type CommandSpec } from "./spec.js";

/**
 * flyctl's command tree as flyops knows it. A command missing here is refused as unknown: a
 * plan may only run what this table describes. Its root has no Run of its own here: bare
 * `flyctl` only prints an introduction, which a plan never needs.
 */
export const FLYCTL_ROOT: CommandSpec = {
  name: "flyctl",
  flags: PERSISTENT_FLAGS,
  commands: [...MACHINE_COMMANDS, ...APP_COMMANDS, ...ACCESS_COMMANDS],
};
