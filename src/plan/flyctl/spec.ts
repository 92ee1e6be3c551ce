/**
 * The shape of flyctl's command table, and the flags many commands share. The table mirrors
 * flyctl's cobra tree (internal/command/** in superfly/flyctl): command names and `Aliases`, each
 * command's flags with their shorthands, flag aliases and whether a flag takes a value. Parsing
 * depends on all of it: whether `-a` consumes the next word decides which word is the subcommand.
 */

export type Risk = "read" | "write" | "destructive";

/** Rule ids of raw flyctl findings; stable strings that scripts may match on. */
export type FlyctlRule =
  | "flyctl-unknown-command"
  | "flyctl-unsupported"
  | "flyctl-bad-args"
  | "flyctl-control-chars"
  | "flyctl-access-token"
  | "flyctl-config-file"
  | "flyctl-prints-secret"
  | "flyctl-auth-state"
  | "flyctl-interactive"
  | "flyctl-env-dump"
  | "flyctl-env-exposure"
  | "flyctl-remote-command"
  | "flyctl-secret-on-command-line"
  | "flyctl-reads-stdin"
  | "flyctl-confirm-flag"
  | "flyctl-local-file"
  | "flyctl-missing-app"
  | "destructive";

export interface FlagSpec {
  /** Long name without dashes; the canonical form of the flag. */
  readonly name: string;
  readonly short?: string;
  /** "bool" flags take no value unless written `--flag=false`; "value" flags consume one. */
  readonly kind: "bool" | "value";
  /** pflag's NoOptDefVal for a value flag: `--autostop` alone means `--autostop=stop`. */
  readonly optionalValue?: string;
  /** flyctl's hidden flag aliases (`--auto-confirm` for `--yes`); they set the same value. */
  readonly aliases?: readonly string[];
  /** A shorthand that belongs to the first alias (flyctl's UseAliasShortHand: `logs -i` is `--instance`). */
  readonly aliasShort?: string;
  /** Its value is a credential or a secret: never echoed in a finding. */
  readonly sensitive?: boolean;
}

export interface Blocked {
  readonly rule: FlyctlRule;
  readonly why: string;
}

export interface RunSpec {
  readonly risk: Risk;
  /** Positional argument count accepted by cobra's Args validator: [min, max]; max omitted = unbounded. */
  readonly args?: readonly [number, number?];
  /** The flag that skips flyctl's confirmation prompt (`yes` or `force`). */
  readonly confirm?: "yes" | "force";
  /** Always refused, whatever the flags. */
  readonly block?: Blocked;
  /** Missing positionals are asked for at a prompt: with fewer than this many, flyctl is interactive. */
  readonly promptsBelow?: number;
  /** Commands acting on machines or volumes: with no id as first argument (or with --select) flyctl asks which one. */
  readonly needsId?: "machine" | "volume";
  /** Hidden, deprecated spellings are judged as the command they stand for (`destroy` is `apps destroy`). */
  readonly canonical?: readonly string[];
  /**
   * A command with an --app flag must be given one (flyctl-missing-app), unless: "or-org", --org
   * names the scope instead (dig, ping, tokens list); "optional", the app is not its target or
   * its id argument names the app (volumes show, doctor).
   */
  readonly appScope?: "or-org" | "optional";
  /**
   * It changes who may act on an org or an app (invites, removals, moving an app to another org):
   * judged destructive, whatever it removes or adds; the text says what it grants.
   */
  readonly privilege?: string;
}

export interface CommandSpec {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly flags?: readonly FlagSpec[];
  readonly commands?: readonly CommandSpec[];
  /** Absent: cobra has no Run for it; it only prints help. */
  readonly run?: RunSpec;
  /** Refused whatever follows: flyops does not model its flags or subcommands. */
  readonly opaque?: Blocked;
}

export function bool(name: string, short?: string, extra: Partial<FlagSpec> = {}): FlagSpec {
  return { name, kind: "bool", ...(short ? { short } : {}), ...extra };
}

export function value(name: string, short?: string, extra: Partial<FlagSpec> = {}): FlagSpec {
  return { name, kind: "value", ...(short ? { short } : {}), ...extra };
}

export function cmd(
  name: string,
  run: RunSpec,
  flags: readonly FlagSpec[] = [],
  aliases: readonly string[] = [],
): CommandSpec {
  return { name, run, flags, aliases };
}

export function group(
  name: string,
  commands: readonly CommandSpec[],
  aliases: readonly string[] = [],
  flags: readonly FlagSpec[] = [],
): CommandSpec {
  return { name, commands, aliases, flags };
}

export function opaque(name: string, block: Blocked, aliases: readonly string[] = []): CommandSpec {
  return { name, aliases, opaque: block };
}

/** A subtree flyops has not reviewed: refused rather than guessed at. */
export function unsupported(name: string, what: string, aliases: readonly string[] = []): CommandSpec {
  return opaque(name, { rule: "flyctl-unsupported", why: `${what} is not reviewed for plans` }, aliases);
}

/** Root persistent flags: every command inherits them, wherever they appear on the line. */
export const PERSISTENT_FLAGS: readonly FlagSpec[] = [
  value("access-token", "t", { sensitive: true }),
  bool("verbose"),
  bool("debug"),
];

/** cobra adds --help to every command it executes. */
export const HELP_FLAG = bool("help", "h");

export const F = {
  app: value("app", "a"),
  config: value("config", "c"),
  json: bool("json", "j"),
  /**
   * flyctl's flag.Yes() (internal/flag/flag.go): `--yes`, `-y` and the hidden alias
   * `--auto-confirm`. Every command of flyctl that takes a confirmation flag uses it (apps create,
   * destroy and move, top-level destroy and move, certs remove, config save, deploy, image update,
   * ips allocate-v4 and allocate-egress, machine update, machine egress-ip allocate/promote/release,
   * orgs delete, scale count, volumes create/extend/destroy); only `mcp destroy`, not modelled
   * here, has a `--yes` without the alias. How the alias and the name combine: parse.ts flagValue.
   */
  yes: bool("yes", "y", { aliases: ["auto-confirm"] }),
  org: value("org", "o"),
  region: value("region", "r"),
  quiet: bool("quiet", "q"),
  select: bool("select"),
  detach: bool("detach"),
  processGroup: value("process-group", "g", { aliases: ["group"] }),
  env: value("env", "e"),
  image: value("image", "i"),
} as const;

/** `--app` and `--config`: the pair nearly every app-scoped command takes. */
export const APP: readonly FlagSpec[] = [F.app, F.config];

/** flyctl's VMSizeFlags set. */
export const VM_SIZE: readonly FlagSpec[] = [
  value("vm-size"),
  value("vm-cpus", undefined, { aliases: ["cpus"] }),
  value("vm-cpu-kind", undefined, { aliases: ["vm-cpukind"] }),
  value("vm-memory", undefined, { aliases: ["memory"] }),
  value("vm-max-memory"),
  value("vm-gpus"),
  value("vm-gpu-kind", undefined, { aliases: ["vm-gpukind"] }),
  value("host-dedication-id"),
];

/** Build flags of machine run/create/update and console (flyctl's sharedFlags in machine/run.go). */
const BUILD: readonly FlagSpec[] = [
  bool("build-only"),
  bool("build-remote-only"),
  bool("build-local-only"),
  bool("build-depot"),
  bool("build-nixpacks"),
  value("dockerfile"),
  value("build-arg"),
  value("image-label"),
  value("build-target"),
  value("build-context-warn-size"),
  bool("no-build-cache"),
];

const FILES: readonly FlagSpec[] = [value("file-local"), value("file-literal"), value("file-secret")];

/** Flags shared by machine run, create and update. */
export const MACHINE_CONFIG: readonly FlagSpec[] = [
  ...APP,
  F.detach,
  value("port", "p"),
  F.env,
  value("entrypoint"),
  ...BUILD,
  value("machine-config"),
  value("kernel-arg"),
  value("metadata", "m"),
  value("schedule"),
  bool("skip-dns-registration"),
  bool("autostart"),
  value("autostop", undefined, { optionalValue: "stop" }),
  value("restart"),
  value("standby-for"),
  ...FILES,
  ...VM_SIZE,
  value("rootfs-persist"),
  value("rootfs-size"),
  value("swap-size"),
  value("cachedrive-size"),
];

/** machine run and create only. */
export const MACHINE_NEW: readonly FlagSpec[] = [
  F.region,
  value("id"),
  value("name", "n"),
  value("org"),
  bool("rm"),
  value("volume", "v"),
  bool("use-zstd"),
];

export const CONSOLE_BUILD: readonly FlagSpec[] = [F.image, F.env, value("entrypoint"), ...BUILD, ...FILES];
