import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { applyCommand, applyOptionsSchema } from "../../src/cli/commands/apply.js";
import { askCommand, askRoute, type AskRoute } from "../../src/cli/commands/ask.js";
import { planMakeOptionsSchema } from "../../src/cli/commands/plan-make.js";
import { planCommand } from "../../src/cli/commands/plan.js";
import { UsageError } from "../../src/errors.js";
import { parseOptions } from "../../src/cli/options.js";

/**
 * Flag plumbing, in process: argv parsed by the real commands, with the action replaced by a
 * recorder. `ask --maker` and `ask --apply --plan-file` take plan's and apply's own flags (the
 * same declarations), `--destroyer` is `--allow-destructive` everywhere, and a flag of one mode
 * given in another is a usage error.
 */

async function parsed(
  command: Command,
  argv: string[],
): Promise<{ args: unknown[]; options: Record<string, unknown> }> {
  let seen: { args: unknown[]; options: Record<string, unknown> } | undefined;
  const record = (target: Command) =>
    target.action((...args: unknown[]) => {
      const self = args.at(-1) as Command;
      seen = { args: args.slice(0, -2), options: self.optsWithGlobals() };
    });
  record(command);
  command.commands.forEach(record);
  command.exitOverride();
  command.commands.forEach((sub) => sub.exitOverride());
  await command.parseAsync(argv, { from: "user" });
  if (!seen) throw new Error(`no action ran for ${argv.join(" ")}`);
  return seen;
}

async function routed(argv: string[]): Promise<AskRoute> {
  const { args, options } = await parsed(askCommand(), argv);
  return askRoute(args[0] as string | undefined, options);
}

describe("ask --maker and ask --apply take plan's and apply's own flags", () => {
  it("passes --destroyer, -o and the model to plan, which reads them with its own schema", async () => {
    const route = await routed([
      "--maker",
      "destroy vol_6upl3f9b5h7m2xzc",
      "--destroyer",
      "-o",
      "x.json",
      "--model",
      "local",
      "--app",
      "demo-web",
    ]);
    expect(route).toMatchObject({ kind: "maker", request: "destroy vol_6upl3f9b5h7m2xzc" });
    const options = parseOptions(planMakeOptionsSchema, route.options);
    expect(options).toMatchObject({ destroyer: true, output: "x.json", model: "local", app: "demo-web" });
  });

  it("passes every apply flag through to apply, which reads them with its own schema", async () => {
    const route = await routed([
      "--apply",
      "--plan-file",
      "stop.json",
      "--yes",
      "--dry-run",
      "--resume",
      "--ignore-drift",
      "--secrets-via",
      "flyctl",
      "--interrupted",
      "done",
      "--allow-destructive",
      "--json",
    ]);
    expect(route).toMatchObject({ kind: "apply", file: "stop.json" });
    expect(parseOptions(applyOptionsSchema, route.options)).toMatchObject({
      yes: true,
      dryRun: true,
      resume: true,
      ignoreDrift: true,
      secretsVia: "flyctl",
      interrupted: "done",
      allowDestructive: true,
      json: true,
    });
  });

  it("refuses apply's choices it does not know, as apply does", async () => {
    await expect(
      parsed(askCommand(), ["--apply", "--plan-file", "x", "--secrets-via", "shell"]),
    ).rejects.toThrow(/--secrets-via <how>' argument 'shell' is invalid/);
    await expect(parsed(applyCommand(), ["x", "--secrets-via", "shell"])).rejects.toThrow(
      /--secrets-via <how>' argument 'shell' is invalid/,
    );
  });

  it("refuses a flag of one mode given in another, naming it", async () => {
    await expect(routed(["--ignore-drift", "--secrets-via", "rest", "which apps?"])).rejects.toThrow(
      "--ignore-drift, --secrets-via can only be used with --maker or --apply",
    );
    await expect(routed(["--maker", "stop it", "--resume"])).rejects.toThrow("--resume can only be used");
    await expect(routed(["--apply", "--plan-file", "x", "-o", "y.json"])).rejects.toThrow(
      "--output can only be used",
    );
    await expect(routed(["--destroyer", "which apps?"])).rejects.toBeInstanceOf(UsageError);
    await expect(routed(["--maker", "--apply", "x"])).rejects.toThrow(
      "--maker and --apply do not go together",
    );
    await expect(routed(["--apply"])).rejects.toThrow("--apply needs --plan-file FILE");
  });

  it("keeps a plain question a question, with ask's own options", async () => {
    expect(await routed(["which apps?", "--max-steps", "4", "--json"])).toEqual({
      kind: "ask",
      question: "which apps?",
      options: { maxSteps: "4", json: true },
    });
  });
});

describe("--destroyer is --allow-destructive everywhere, and help says so", () => {
  it.each([
    [["check", "p.json", "--destroyer"]],
    [["approve", "p.json", "--destroyer"]],
    [["show", "p.json", "--destroyer"]],
    [["stop it", "--destroyer"]],
  ])("plan %j", async (argv) => {
    const { options } = await parsed(planCommand(), argv);
    expect(options.destroyer).toBe(true);
  });

  it("apply takes it", async () => {
    const { options } = await parsed(applyCommand(), ["p.json", "--destroyer"]);
    expect(parseOptions(applyOptionsSchema, options)).toMatchObject({ destroyer: true });
  });

  it.each([
    ["ask", askCommand()],
    ["plan", planCommand()],
    ["apply", applyCommand()],
    ["plan approve", planCommand().commands.find((c) => c.name() === "approve")],
    ["plan show", planCommand().commands.find((c) => c.name() === "show")],
    ["plan check", planCommand().commands.find((c) => c.name() === "check")],
  ])("%s --help lists --destroyer", (_name, command) => {
    expect(command?.helpInformation()).toContain("--destroyer");
  });
});
