import { APP, F, VM_SIZE, bool, cmd, group, opaque, value, type CommandSpec, type RunSpec } from "./spec.js";

/** App-level commands: apps, secrets, ips, certs, config, image, deploy, status, logs and friends. */

const OPENS_BROWSER = { rule: "flyctl-interactive", why: "opens a web browser" } as const;

const APPS_DESTROY = cmd(
  "destroy",
  { risk: "destructive", args: [1], confirm: "yes" },
  [F.yes],
  ["delete", "remove", "rm"],
);
const MOVES_APP = "it moves the app into another organization, whose members then control it and its secrets";
const APPS_MOVE = cmd("move", { risk: "destructive", args: [1, 1], confirm: "yes", privilege: MOVES_APP }, [
  F.yes,
  F.org,
  bool("skip-health-checks"),
]);
const OPEN_RUN: RunSpec = { risk: "read", args: [0, 1], block: OPENS_BROWSER };
const RELEASES_RUN: RunSpec = { risk: "read", args: [0, 0] };
const RELEASES_FLAGS = [...APP, F.json, bool("image")];

const apps = group(
  "apps",
  [
    cmd("list", { risk: "read" }, [F.json, F.org, F.quiet], ["ls"]),
    cmd("create", { risk: "write", args: [0, 1] }, [
      value("name"),
      bool("generate-name"),
      value("network"),
      bool("machines"),
      F.yes,
      bool("save"),
      F.org,
      F.json,
    ]),
    APPS_DESTROY,
    cmd("restart", { risk: "write", args: [0, 1] }, [bool("force-stop"), bool("skip-health-checks")]),
    APPS_MOVE,
    // Deprecated and hidden, without a Run: they print a notice and do nothing.
    { name: "resume" },
    { name: "suspend" },
    cmd("open", OPEN_RUN, APP),
    cmd("releases", RELEASES_RUN, RELEASES_FLAGS),
    cmd("errors", { risk: "read", args: [0, 0] }, APP),
  ],
  ["app"],
);

const SECRETS_SHARED = [...APP, F.detach, bool("stage"), bool("dns-checks")];

const secrets = group("secrets", [
  // Names and digests only: flyctl never prints a secret's value.
  cmd("list", { risk: "read" }, [...APP, F.json], ["ls"]),
  // Values come on the command line: see flyctl-rules.ts.
  cmd("set", { risk: "write", args: [1] }, SECRETS_SHARED),
  cmd("unset", { risk: "destructive", args: [1] }, SECRETS_SHARED),
  cmd("import", { risk: "write" }, SECRETS_SHARED),
  cmd("sync", { risk: "write" }, SECRETS_SHARED),
  cmd("deploy", { risk: "write" }, [...APP, F.detach, bool("dns-checks")]),
  group("keys", [
    cmd("list", { risk: "read" }, [...APP, F.json], ["ls"]),
    cmd(
      "generate",
      { risk: "write", args: [2, 2] },
      [...APP, bool("force", "f"), bool("noversion", "n"), F.quiet],
      ["gen"],
    ),
    cmd(
      "delete",
      { risk: "destructive", args: [1, 1], confirm: "force" },
      [...APP, bool("force", "f"), bool("noversion", "n")],
      ["rm"],
    ),
  ]),
]);

const ips = group(
  "ips",
  [
    cmd("list", { risk: "read" }, [...APP, F.json], ["ls"]),
    cmd(
      "allocate",
      {
        risk: "write",
        block: {
          rule: "flyctl-interactive",
          why: "asks which addresses to allocate; use allocate-v4 or allocate-v6",
        },
      },
      [...APP, F.region],
    ),
    cmd("allocate-v4", { risk: "write", confirm: "yes" }, [bool("shared"), F.yes, ...APP, F.region]),
    cmd("allocate-v6", { risk: "write" }, [...APP, F.region, bool("private"), F.org, value("network")]),
    cmd("allocate-egress", { risk: "write", confirm: "yes" }, [...APP, F.region, F.yes]),
    cmd("private", { risk: "read" }, [...APP, F.json]),
    cmd("release", { risk: "destructive", args: [1] }, APP),
    cmd("release-egress", { risk: "destructive", args: [1] }, APP),
  ],
  ["ip"],
);

const certs = group("certs", [
  cmd("list", { risk: "read", args: [0, 0] }, [...APP, F.json]),
  cmd("add", { risk: "write", args: [1, 1] }, [...APP, F.json], ["create"]),
  cmd("import", { risk: "write", args: [1, 1] }, [...APP, value("fullchain"), value("private-key"), F.json]),
  cmd(
    "remove",
    { risk: "destructive", args: [1, 1], confirm: "yes" },
    [...APP, F.yes, bool("custom"), bool("acme")],
    ["delete"],
  ),
  cmd("check", { risk: "read", args: [1, 1] }, [...APP, F.json], ["show"]),
  cmd("setup", { risk: "read", args: [1, 1] }, [...APP, F.json]),
]);

const config = group("config", [
  cmd(
    "show",
    { risk: "read", args: [0, 0] },
    [...APP, bool("local"), bool("yaml"), bool("toml")],
    ["display"],
  ),
  cmd("save", { risk: "write", args: [0, 0], confirm: "yes" }, [...APP, F.yes, bool("json"), bool("yaml")]),
  cmd("validate", { risk: "read", args: [0, 0] }, [...APP, bool("strict", "s")]),
  cmd(
    "env",
    {
      risk: "read",
      args: [0, 0],
      block: { rule: "flyctl-env-dump", why: "prints the app's runtime environment variables" },
    },
    APP,
  ),
]);

const image = group(
  "image",
  [
    cmd("show", { risk: "read", args: [0, 1] }, [...APP, F.json]),
    cmd("update", { risk: "write", args: [0, 0], confirm: "yes" }, [
      ...APP,
      F.yes,
      value("image"),
      bool("skip-health-checks"),
    ]),
  ],
  ["img"],
);

const deploy = cmd("deploy", { risk: "write", args: [0, 1], confirm: "yes" }, [
  F.image,
  bool("now"),
  bool("remote-only"),
  bool("local-only"),
  bool("push"),
  bool("wg"),
  bool("https-failover", undefined, { aliases: ["http-failover"] }),
  F.detach,
  value("strategy"),
  value("dockerfile"),
  value("ignorefile"),
  value("image-label"),
  value("build-arg"),
  value("build-secret", undefined, { sensitive: true }),
  value("build-target"),
  value("build-context-warn-size"),
  bool("no-cache"),
  value("depot", undefined, { optionalValue: "true" }),
  value("depot-scope"),
  bool("nixpacks"),
  value("buildkit-addr"),
  value("buildkit-image"),
  bool("buildkit"),
  bool("build-only"),
  value("buildpacks-docker-host"),
  value("buildpacks-volume"),
  bool("recreate-builder"),
  F.yes,
  ...VM_SIZE,
  F.env,
  value("wait-timeout"),
  value("release-command-timeout"),
  value("lease-timeout"),
  bool("force-machines"),
  bool("ha"),
  bool("smoke-checks"),
  bool("dns-checks"),
  value("max-unavailable"),
  bool("no-public-ips"),
  bool("flycast"),
  value("file-local"),
  value("file-literal"),
  value("file-secret"),
  value("primary-region"),
  value("regions", undefined, { aliases: ["only-regions"] }),
  value("exclude-regions"),
  value("only-machines"),
  value("exclude-machines"),
  value("process-groups"),
  value("label"),
  value("max-concurrent"),
  value("immediate-max-concurrent"),
  value("volume-initial-size"),
  value("signal", "s"),
  value("deploy-retries"),
  value("builder-pool", undefined, { optionalValue: "true" }),
  value("compression"),
  value("compression-level"),
  ...APP,
  bool("update-only"),
  bool("skip-release-command"),
  value("export-manifest"),
  value("from-manifest"),
]);

const platform = group("platform", [
  cmd("regions", { risk: "read", args: [0, 0] }, [F.json]),
  cmd("status", { risk: "read", args: [0, 1] }, [F.json]),
  cmd("vm-sizes", { risk: "read", args: [0, 0] }, [F.json]),
]);

const incidents = group("incidents", [
  cmd("list", { risk: "read", args: [0, 0], appScope: "or-org" }, [...APP, F.json, F.org]),
  group("hosts", [cmd("list", { risk: "read", args: [0, 0] }, [...APP, F.json], ["ls"])]),
]);

export const APP_COMMANDS: readonly CommandSpec[] = [
  apps,
  secrets,
  ips,
  certs,
  config,
  image,
  deploy,
  platform,
  incidents,
  // `status --watch` and `logs` without --no-tail never end: see flyctl-rules.ts.
  cmd("status", { risk: "read", args: [0, 0] }, [
    ...APP,
    F.json,
    bool("all"),
    bool("deployment"),
    bool("watch"),
    value("rate"),
  ]),
  cmd("logs", { risk: "read", args: [0, 0] }, [
    ...APP,
    F.region,
    F.json,
    value("machine", "m", { aliases: ["instance"], aliasShort: "i" }),
    bool("select", "s"),
    bool("no-tail", "n"),
  ]),
  group("checks", [cmd("list", { risk: "read" }, [...APP, value("check-name"), F.json], ["ls"])], [], APP),
  group("services", [cmd("list", { risk: "read" }, APP, ["ls"])]),
  cmd("dig", { risk: "read", args: [1, 2], appScope: "or-org" }, [...APP, F.org, bool("short", "s")]),
  // Without --count ping runs until interrupted: see flyctl-rules.ts.
  cmd("ping", { risk: "read", args: [0, 1], appScope: "or-org" }, [
    ...APP,
    F.org,
    value("interval", "i"),
    value("count", "n"),
    value("size", "s"),
  ]),
  cmd("curl", { risk: "read", args: [1, 1] }, [F.json]),
  // Without --app it checks flyctl's own setup (token, agent, WireGuard); no app is at stake.
  cmd("doctor", { risk: "read", args: [0, 0], appScope: "optional" }, [
    ...APP,
    F.json,
    bool("verbose", "v"),
    F.org,
  ]),
  { name: "history", flags: [...APP, F.json] },
  { name: "info", flags: APP },
  // Hidden, deprecated top-level spellings of apps subcommands.
  cmd("releases", { ...RELEASES_RUN, canonical: ["apps", "releases"] }, RELEASES_FLAGS),
  cmd("open", { ...OPEN_RUN, canonical: ["apps", "open"] }, APP),
  cmd("destroy", { risk: "destructive", args: [1, 1], confirm: "yes", canonical: ["apps", "destroy"] }, [
    F.yes,
  ]),
  cmd(
    "move",
    { risk: "destructive", args: [1, 1], confirm: "yes", canonical: ["apps", "move"], privilege: MOVES_APP },
    [F.yes, F.org],
  ),
  {
    name: "create",
    flags: [value("name"), bool("generate-name"), value("network"), bool("machines"), F.org],
  },
  { name: "suspend" },
  { name: "resume" },
  cmd("dashboard", { risk: "read", block: OPENS_BROWSER }, APP, ["dash"]),
  cmd("docs", { risk: "read", block: OPENS_BROWSER }),
  opaque("launch", {
    rule: "flyctl-interactive",
    why: "asks questions and writes files in the working directory",
  }),
];
