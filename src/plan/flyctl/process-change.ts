import { flagValue, flagValues, type ParsedFlyctl } from "./parse.js";
import { splitCommandLine, type RemoteCommand } from "../../security/remote-command.js";

/**
 * What a line does to the processes of the app's machines. Anything that starts a process or
 * changes what one runs is destructive (it can print the app's secrets to its logs, or do
 * anything else the app may do), and every command it carries is screened (remote-command.ts).
 * Found in flyctl's source (internal/command/**):
 *
 * - `machine run IMAGE [COMMAND…]` and `machine create IMAGE [COMMAND…]` (machine/run.go): the
 *   words after the image are the machine's CMD; `--entrypoint` is split with shlex; `create`
 *   does not start the machine, but its autostart (on by default) or a later start will.
 * - `machine update` (machine/update.go, determineMachineConfig): `--command/-C` (shlex; empty
 *   clears it), `--entrypoint`, `--env`, `--kernel-arg` (init's arguments: not reviewed, refused)
 *   and the files it writes
 *   or removes (`--file-local`, `--file-literal`, `--file-secret`), which can replace what runs.
 * - `machine clone --override-cmd` (shlex) and `--clear-cmd` (machine/clone.go).
 * - `machine exec [ID] COMMAND` (machine/exec.go), `ssh console --command` (ssh/console.go).
 * - `deploy` and `scale count` with `--env` (or deploy's files) set up every process they start
 *   (deploy/deploy.go, scale/count_machines.go): a variable such as LD_PRELOAD or NODE_OPTIONS
 *   changes what a process runs.
 * - `--machine-config` (run, create, update) can set all of the above: see judgeMachineConfig.
 *
 * `console` opens a terminal in a new or existing machine and is refused as interactive
 * (commands-access.ts); `machine run --shell` likewise (command-checks.ts).
 */

export interface ProcessChange {
  /** Why the line is destructive; empty when it leaves processes alone. */
  readonly changes: string[];
  readonly commands: RemoteCommand[];
  /** Settings flyops does not review (in --machine-config): refused. */
  readonly refused: string[];
}

const ENV_WHY =
  "--env sets environment variables of the app's processes (LD_PRELOAD or NODE_OPTIONS change what they run)";
const FILES_WHY = "it writes (or removes) files in the machine, which can replace what its process runs";
const MACHINE_STARTS: Readonly<Record<string, string>> = {
  "machine run": "it starts a new machine of the app, with a process of its own",
  "machine create": "it creates a machine of the app that runs its process once started (autostart included)",
};
/** Flags that change the processes of whichever machines the command configures. */
const PROCESS_FLAGS: Readonly<Record<string, string>> = {
  env: ENV_WHY,
  "file-local": `--file-local: ${FILES_WHY}`,
  "file-literal": `--file-literal: ${FILES_WHY}`,
  "file-secret": `--file-secret: ${FILES_WHY}`,
};
const CONFIGURES = new Set(["machine run", "machine create", "machine update", "deploy", "scale count"]);

/**
 * The --machine-config keys a plan may set without review: sizes, services, checks, restart,
 * schedule, metadata. `files` is a change like --file-literal; anything else (init, processes,
 * containers, env, statics, image, guest.kernel_args, …) can change what runs or what is served
 * and is refused rather than guessed at. Go's encoding/json matches keys case-insensitively, so
 * keys are compared folded.
 */
const MACHINE_CONFIG_KEYS = new Set([
  "guest",
  "services",
  "checks",
  "restart",
  "schedule",
  "metadata",
  "auto_destroy",
  "stop_config",
  "dns",
  "mounts",
  "metrics",
]);

function foldKey(key: string): string {
  return key.normalize("NFKC").toLowerCase();
}

function objectKeys(value: unknown): string[] {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? Object.keys(value).map(foldKey)
    : [];
}

/** Inline --machine-config JSON (local-files.ts refuses a file name or JSON it cannot read). */
function judgeMachineConfig(value: string, out: ProcessChange): void {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return;
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) return;
  const entries = Object.entries(json as Record<string, unknown>).map(
    ([key, item]) => [foldKey(key), item] as const,
  );
  const bad = entries.map(([key]) => key).filter((key) => key !== "files" && !MACHINE_CONFIG_KEYS.has(key));
  const guest = entries.filter(([key]) => key === "guest").map(([, item]) => item);
  if (guest.some((item) => objectKeys(item).includes("kernel_args"))) bad.push("guest.kernel_args");
  if (entries.some(([key]) => key === "files")) out.changes.push(`--machine-config "files": ${FILES_WHY}`);
  if (bad.length > 0)
    out.refused.push(
      `--machine-config sets ${bad.map((key) => JSON.stringify(key)).join(", ")}, which can change what the machine runs or serves; flyops reviews only ${[...MACHINE_CONFIG_KEYS, "files"].join(", ")}`,
    );
}

/** A shlex-split flag value or positional string, as one command of the given source. */
function fromString(source: string, text: string): RemoteCommand {
  return { source, words: splitCommandLine(text), programs: [0] };
}

function machineCommand(parsed: ParsedFlyctl, command: string): RemoteCommand | undefined {
  const entrypoint = flagValue(parsed, "entrypoint") ?? "";
  const cmdWords =
    command === "machine update"
      ? splitCommandLine(flagValue(parsed, "command") ?? "")
      : parsed.positionals.slice(1).map((arg) => arg.text);
  const entryWords = splitCommandLine(entrypoint);
  const words = [...entryWords, ...cmdWords];
  if (words.length === 0) return undefined;
  // Without an entrypoint of its own the image's may come first, and most hand over to the CMD.
  const programs = entryWords.length > 0 && cmdWords.length > 0 ? [0, entryWords.length] : [0];
  const source = entrypoint !== "" ? "--entrypoint with the machine's command" : "the machine's command";
  return { source, words, programs };
}

export function processChange(parsed: ParsedFlyctl): ProcessChange {
  const out: ProcessChange = { changes: [], commands: [], refused: [] };
  const command = parsed.path.join(" ");
  const started = MACHINE_STARTS[command];
  if (started) out.changes.push(started);
  if (started || command === "machine update") {
    const remote = machineCommand(parsed, command);
    if (remote) out.commands.push(remote);
    if (command === "machine update" && flagValue(parsed, "command") !== undefined)
      out.changes.push("--command replaces the command the machine runs");
    if (flagValue(parsed, "entrypoint") !== undefined)
      out.changes.push("--entrypoint replaces the program the machine runs");
    for (const config of flagValues(parsed, "machine-config")) judgeMachineConfig(config, out);
    if (flagValues(parsed, "kernel-arg").length > 0)
      out.refused.push("--kernel-arg passes arguments to the machine's init, which flyops does not review");
    // `run --command` only matters with --shell (refused), but it still reads as a command.
    const shellCommand = command === "machine run" ? flagValue(parsed, "command") : undefined;
    if (shellCommand !== undefined) out.commands.push(fromString("--command", shellCommand));
  }
  if (CONFIGURES.has(command)) {
    for (const use of parsed.uses) {
      const why = PROCESS_FLAGS[use.flag.name];
      if (why && !out.changes.includes(why)) out.changes.push(why);
    }
  }
  if (command === "machine clone") {
    const override = flagValue(parsed, "override-cmd");
    if (override !== undefined && override !== "") {
      out.changes.push("--override-cmd sets the command of the new machine");
      out.commands.push(fromString("--override-cmd", override));
    }
    if (flagValue(parsed, "clear-cmd") === "true")
      out.changes.push("--clear-cmd changes the command of the new machine to the image's");
  }
  if (command === "machine exec") {
    out.changes.push("it runs a command inside a machine of the app");
    const text = parsed.positionals.at(-1)?.text;
    if (text !== undefined) out.commands.push(fromString("the remote command", text));
  }
  if (command === "ssh console") {
    const text = flagValue(parsed, "command") ?? "";
    if (text !== "") {
      out.changes.push("it runs a command inside a machine of the app");
      out.commands.push(fromString("the remote command", text));
    }
  }
  return out;
}
