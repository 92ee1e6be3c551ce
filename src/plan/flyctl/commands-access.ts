import {
  APP,
  F,
  bool,
  cmd,
  group,
  opaque,
  unsupported,
  value,
  type Blocked,
  type CommandSpec,
} from "./spec.js";

/**
 * Credentials, shells and access: auth, tokens, ssh, wireguard, orgs, console, proxy, postgres,
 * and the product areas flyops does not review (refused as a whole).
 */

const PRINTS_TOKEN: Blocked = { rule: "flyctl-prints-secret", why: "prints a new access token" };
const INTERACTIVE = (why: string): Blocked => ({ rule: "flyctl-interactive", why });

const auth = group("auth", [
  cmd("whoami", { risk: "read", args: [0, 0] }, [F.json]),
  cmd(
    "token",
    { risk: "read", block: { rule: "flyctl-prints-secret", why: "prints flyctl's own access token" } },
    [F.json, F.quiet],
  ),
  cmd(
    "login",
    { risk: "write", block: { rule: "flyctl-auth-state", why: "replaces flyctl's stored credentials" } },
    [
      bool("interactive", "i"),
      value("email"),
      value("password", undefined, { sensitive: true }),
      value("otp", undefined, { sensitive: true }),
    ],
  ),
  cmd("logout", {
    risk: "write",
    block: { rule: "flyctl-auth-state", why: "deletes flyctl's stored credentials" },
  }),
  cmd("docker", {
    risk: "write",
    block: { rule: "flyctl-auth-state", why: "writes a registry token into Docker's configuration" },
  }),
  opaque("signup", INTERACTIVE("opens a browser to create an account")),
]);

const tokens = group("tokens", [
  // Every `tokens create …` kind, and the hidden top-level `tokens deploy` / `tokens org`, print a token.
  opaque("create", PRINTS_TOKEN),
  opaque("deploy", PRINTS_TOKEN),
  opaque("org", PRINTS_TOKEN),
  opaque("attenuate", { rule: "flyctl-prints-secret", why: "prints a derived access token" }),
  opaque(
    "3p",
    { rule: "flyctl-prints-secret", why: "handles third-party caveat secrets and discharge tokens" },
    ["third-party"],
  ),
  opaque("debug", { rule: "flyctl-prints-secret", why: "decodes and prints an access token" }),
  cmd("list", { risk: "read", appScope: "or-org" }, [...APP, value("scope", "s"), F.org], ["ls"]),
  cmd("revoke", { risk: "destructive", args: [1] }),
]);

const SSH_FLAGS = [
  F.org,
  ...APP,
  value("command", "C"),
  value("machine"),
  bool("select", "s"),
  F.region,
  F.quiet,
  value("address", "A"),
  value("container"),
  bool("no-container"),
  bool("pty"),
  value("user", "u"),
  F.processGroup,
];

const SFTP = opaque("sftp", INTERACTIVE("opens an SFTP session to copy files to or from a machine"));

const ssh = group("ssh", [
  // Without --command it is an interactive shell; with one, an arbitrary command: see flyctl-rules.ts.
  cmd("console", { risk: "destructive", args: [0, 1] }, SSH_FLAGS),
  opaque("issue", {
    rule: "flyctl-prints-secret",
    why: "issues an SSH certificate and prints or writes its private key",
  }),
  cmd("log", { risk: "read" }, [F.json, F.org]),
  SFTP,
]);

const wireguard = group(
  "wireguard",
  [
    cmd("list", { risk: "read", args: [0, 1] }, [F.json]),
    opaque("create", {
      rule: "flyctl-prints-secret",
      why: "creates a WireGuard peer and prints its private key",
    }),
    cmd("remove", { risk: "destructive", args: [0, 2], promptsBelow: 2 }),
    cmd("reset", { risk: "write", args: [0, 1], promptsBelow: 1 }),
    cmd("websockets", { risk: "write", args: [1, 1] }),
  ],
  ["wg"],
);

const orgs = group("orgs", [
  cmd("list", { risk: "read" }, [F.json], ["ls"]),
  cmd("show", { risk: "read", args: [0, 1], promptsBelow: 1 }, [F.json]),
  // Membership is who controls every app of the org: both directions are judged destructive.
  cmd(
    "invite",
    {
      risk: "destructive",
      args: [0, 2],
      promptsBelow: 2,
      privilege: "it invites a person into the organization, with control of all its apps and secrets",
    },
    [F.json],
  ),
  cmd("remove", {
    risk: "destructive",
    args: [0, 2],
    promptsBelow: 2,
    privilege: "it removes a member's access to the organization",
  }),
  cmd("create", { risk: "write", args: [0, 1], promptsBelow: 1 }, [bool("apps-v2-default-on"), F.json]),
  cmd("delete", { risk: "destructive", args: [0, 1], confirm: "yes", promptsBelow: 1 }, [F.yes]),
  unsupported("replay-sources", "`orgs replay-sources`"),
  unsupported("cross-network-replays", "`orgs cross-network-replays`"),
]);

const POSTGRES_SUBCOMMANDS: readonly [string, ...string[]][] = [
  ["add_flycast"],
  ["attach"],
  ["backup", "backups"],
  ["barman"],
  ["config"],
  ["create"],
  ["db"],
  ["detach"],
  ["events"],
  ["failover"],
  ["import"],
  ["list", "ls"],
  ["renew-certs"],
  ["restart"],
  ["users"],
];

const postgres = group(
  "postgres",
  [
    opaque("connect", INTERACTIVE("opens an interactive psql session")),
    ...POSTGRES_SUBCOMMANDS.map(([name, ...aliases]) =>
      unsupported(name, `\`postgres ${name}\` (unmanaged Postgres)`, aliases),
    ),
  ],
  ["pg"],
);

const completion = group(
  "completion",
  ["bash", "zsh", "fish", "powershell"].map((shell) =>
    cmd(shell, { risk: "read", args: [0, 0] }, [bool("no-descriptions")]),
  ),
);

export const ACCESS_COMMANDS: readonly CommandSpec[] = [
  auth,
  tokens,
  ssh,
  SFTP,
  wireguard,
  orgs,
  postgres,
  opaque("console", INTERACTIVE("opens an interactive console in a new machine")),
  opaque("proxy", INTERACTIVE("forwards a local port until interrupted")),
  completion,
  cmd("help", { risk: "read" }),
  {
    name: "version",
    run: { risk: "read", args: [0, 0] },
    flags: [value("saveinstall", "s"), F.json],
    commands: [
      unsupported("save-install", "`version save-install`"),
      unsupported("upgrade", "`version upgrade` (replaces flyctl itself)", ["update"]),
    ],
  },
  unsupported("agent", "`agent` (flyctl's local WireGuard agent)"),
  unsupported("consul", "`consul`"),
  unsupported("extensions", "`extensions`", ["ext"]),
  unsupported("jobs", "`jobs`"),
  unsupported("litefs-cloud", "`litefs-cloud`", ["lfsc"]),
  unsupported("mcp", "`mcp`"),
  unsupported("metrics", "`metrics`"),
  unsupported("mpg", "`mpg` (Managed Postgres)"),
  unsupported("redis", "`redis`"),
  unsupported("registry", "`registry`"),
  unsupported("regions", "`regions` (V1 apps only)"),
  unsupported("settings", "`settings` (flyctl's own settings)"),
  unsupported("storage", "`storage` (Tigris)", ["tigris"]),
  unsupported("synthetics", "`synthetics`"),
];
