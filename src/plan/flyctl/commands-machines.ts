import {
  APP,
  F,
  MACHINE_CONFIG,
  MACHINE_NEW,
  VM_SIZE,
  bool,
  cmd,
  group,
  value,
  type CommandSpec,
  type FlagSpec,
} from "./spec.js";

/** `fly machine …`, `fly volumes …` and `fly scale …`, as flyctl 0.3/0.4 defines them. */

const PICK: readonly FlagSpec[] = [...APP, F.select];

const machine = group(
  "machine",
  [
    cmd("list", { risk: "read", args: [0, 0] }, [...APP, F.json, F.quiet], ["ls"]),
    cmd("status", { risk: "read", args: [0, 1], needsId: "machine" }, [...PICK, bool("display-config", "d")]),
    cmd("wait", { risk: "read", args: [0, 1], needsId: "machine" }, [
      ...PICK,
      value("state"),
      value("wait-timeout", "w"),
    ]),
    cmd("start", { risk: "write", needsId: "machine" }, PICK),
    cmd("stop", { risk: "write", needsId: "machine" }, [
      ...PICK,
      value("signal", "s"),
      value("timeout"),
      value("wait-timeout", "w"),
    ]),
    cmd("restart", { risk: "write", needsId: "machine" }, [
      ...PICK,
      value("signal", "s"),
      value("time"),
      bool("force"),
      bool("skip-health-checks"),
    ]),
    cmd("suspend", { risk: "write", needsId: "machine" }, [...PICK, value("wait-timeout", "w")]),
    cmd("kill", { risk: "write", args: [0, 1], needsId: "machine" }, PICK),
    cmd("cordon", { risk: "write", needsId: "machine" }, PICK),
    cmd("uncordon", { risk: "write", needsId: "machine" }, PICK),
    // --force kills a running machine; it is not a confirmation (there is no prompt for explicit ids).
    cmd(
      "destroy",
      { risk: "destructive", needsId: "machine" },
      [...PICK, bool("force", "f"), F.image],
      ["remove", "rm"],
    ),
    // Both start (or ready) a process of the app: destructive, see process-change.ts.
    cmd("create", { risk: "destructive", args: [1] }, [...MACHINE_NEW, ...MACHINE_CONFIG]),
    cmd("run", { risk: "destructive", args: [0] }, [
      ...MACHINE_NEW,
      ...MACHINE_CONFIG,
      bool("wg"),
      value("user"),
      value("command"),
      bool("shell"),
      value("container"),
    ]),
    cmd("update", { risk: "write", args: [0, 1], confirm: "yes", needsId: "machine" }, [
      F.image,
      ...MACHINE_CONFIG,
      F.yes,
      F.select,
      bool("skip-start"),
      bool("skip-health-checks"),
      value("command", "C"),
      value("mount-point"),
      value("wait-timeout"),
      value("container"),
      value("buildkit-addr"),
      value("buildkit-image"),
      bool("buildkit"),
    ]),
    cmd("clone", { risk: "write", args: [0, 1], needsId: "machine" }, [
      ...PICK,
      F.region,
      value("name"),
      value("from-snapshot"),
      value("attach-volume"),
      value("override-cmd"),
      bool("clear-cmd"),
      bool("clear-auto-destroy"),
      value("standby-for"),
      bool("volume-requires-unique-zone"),
      F.detach,
      ...VM_SIZE,
    ]),
    // Runs any command inside a machine: nothing bounds what it does.
    cmd("exec", { risk: "destructive", args: [1, 2] }, [
      ...PICK,
      F.json,
      value("timeout"),
      value("container"),
      bool("no-container"),
    ]),
    group(
      "leases",
      [cmd("view", { risk: "read" }, [...APP, F.json, F.select]), cmd("clear", { risk: "write" }, PICK)],
      ["lease"],
    ),
    group("egress-ip", [
      cmd("allocate", { risk: "write", args: [1, 1], confirm: "yes" }, [...APP, F.yes]),
      cmd("list", { risk: "read", args: [0, 0] }, APP),
      cmd("promote", { risk: "write", args: [1, 1], confirm: "yes" }, [...APP, F.yes]),
      cmd("release", { risk: "destructive", args: [1, 1], confirm: "yes" }, [...APP, F.yes]),
    ]),
    cmd("place", { risk: "read", args: [0, 0] }, [
      F.config,
      F.json,
      F.org,
      ...VM_SIZE,
      value("count"),
      value("region"),
      value("volume-name"),
      value("volume-size"),
      value("weights"),
    ]),
    cmd(
      "api-proxy",
      {
        risk: "read",
        block: { rule: "flyctl-interactive", why: "serves a local proxy until interrupted" },
      },
      [F.org, F.quiet],
    ),
  ],
  ["machines", "m"],
);

const volumes = group(
  "volumes",
  [
    cmd("list", { risk: "read" }, [...APP, bool("all"), F.json], ["ls"]),
    // flyctl finds the app of a volume id by itself.
    cmd("show", { risk: "read", args: [0, 1], needsId: "volume", appScope: "optional" }, [F.json, ...APP]),
    cmd("create", { risk: "write", args: [1, 1], confirm: "yes" }, [
      ...APP,
      F.region,
      value("size", "s"),
      value("snapshot-retention"),
      bool("scheduled-snapshots"),
      bool("no-encryption"),
      bool("require-unique-zone"),
      bool("unique-zone-app-wide"),
      value("snapshot-id"),
      value("fs-type"),
      F.yes,
      value("count", "n"),
      ...VM_SIZE,
      F.json,
    ]),
    cmd("update", { risk: "write", args: [1, 1] }, [
      ...APP,
      value("snapshot-retention"),
      bool("scheduled-snapshots"),
      F.json,
    ]),
    cmd("extend", { risk: "write", args: [0, 1], confirm: "yes", needsId: "volume" }, [
      ...APP,
      value("size", "s"),
      F.yes,
      F.json,
    ]),
    cmd(
      "destroy",
      { risk: "destructive", confirm: "yes", needsId: "volume", appScope: "optional" },
      [F.yes, ...APP],
      ["delete", "rm"],
    ),
    cmd("fork", { risk: "write", args: [0, 1], needsId: "volume" }, [
      ...APP,
      value("name", "n"),
      bool("require-unique-zone"),
      bool("unique-zone-app-wide"),
      F.region,
      ...VM_SIZE,
      F.json,
    ]),
    group(
      "snapshots",
      [
        cmd("list", { risk: "read", args: [1, 1], appScope: "optional" }, [F.app, F.json], ["ls"]),
        cmd("create", { risk: "write", args: [1, 1], appScope: "optional" }, [F.app, F.json]),
      ],
      ["snapshot", "snaps"],
    ),
  ],
  ["volume", "vol", "v"],
);

const scale = group("scale", [
  cmd("show", { risk: "read", args: [0, 0] }, [...APP, F.json]),
  cmd("vm", { risk: "write", args: [1, 1] }, [
    ...APP,
    value("vm-memory", undefined, { aliases: ["memory"] }),
    F.processGroup,
  ]),
  cmd("memory", { risk: "write", args: [1, 1] }, [...APP, F.processGroup]),
  // Risk of `count` depends on the counts (0 or a decrease destroys machines): see flyctl-rules.ts.
  cmd("count", { risk: "write", args: [1], confirm: "yes" }, [
    ...APP,
    F.yes,
    F.processGroup,
    value("max-per-region"),
    F.region,
    bool("with-new-volumes"),
    value("from-snapshot"),
    ...VM_SIZE,
    F.env,
  ]),
]);

export const MACHINE_COMMANDS: readonly CommandSpec[] = [machine, volumes, scale];
