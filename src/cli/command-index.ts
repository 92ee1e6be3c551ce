import type { Command } from "commander";

/**
 * Every top-level command, by name, with the line `flyops --help` shows and a loader. A command's
 * module (and everything it imports: models, the sandbox, the plan machinery) is loaded only when
 * that command runs, so `flyops --version` and `flyops --help` cost little more than Node itself.
 */
export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "ask",
    summary:
      "Answer a question about your Fly.io fleet with read-only tool calls; the answer streams to stdout",
    load: async () => (await import("./commands/ask.js")).askCommand(),
  },
  {
    name: "plan",
    summary:
      "Turn a change request into a plan file for review (nothing is changed); check, show, approve plans",
    load: async () => (await import("./commands/plan.js")).planCommand(),
  },
  {
    name: "apply",
    summary:
      "Apply a reviewed plan file: validate it again, check its approval and preconditions, run its steps with a journal",
    load: async () => (await import("./commands/apply.js")).applyCommand(),
  },
  {
    name: "fly",
    summary: "Direct Fly.io operations without a model: list, get, start, stop, restart, destroy, ...",
    load: async () => (await import("./commands/fly.js")).flyCommand(),
  },
  {
    name: "auth",
    summary: "Fly credentials: check which token flyops uses",
    load: async () => (await import("./commands/auth.js")).authCommand(),
  },
  {
    name: "history",
    summary: "Show or clear the conversation `flyops ask` continues (one per org, in $XDG_STATE_HOME/flyops)",
    load: async () => (await import("./commands/history.js")).historyCommand(),
  },
  {
    name: "eval",
    summary:
      "Measure a model on the fly-bench tasks: each task in a fresh local sandbox; pass rate, steps, tokens, cost and time",
    load: async () => (await import("./commands/eval.js")).evalCommand(),
  },
  {
    name: "mcp",
    summary:
      "Serve the read tools and propose_plan to an MCP client (Claude, Cursor, VS Code) on stdio or loopback HTTP; nothing is changed",
    load: async () => (await import("./commands/mcp.js")).mcpCommand(),
  },
  {
    name: "sandbox",
    summary:
      "Run a local Fly API (Machines REST under /v1, GraphQL at /graphql) with seeded data, for trying flyops safely",
    load: async () => (await import("./commands/sandbox.js")).sandboxCommand(),
  },
  {
    name: "flywp",
    summary:
      "FlyWP (WordPress hosting) without a model: list servers, sites, databases, SSH keys, cron jobs, backups",
    load: async () => (await import("./commands/flywp.js")).flywpCommand(),
  },
];
