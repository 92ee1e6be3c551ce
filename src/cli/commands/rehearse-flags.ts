import { DEFAULT_TRANSITION_MS } from "../../sandbox/machine-lifecycle.js";
import { Command, Option } from "commander";
import { DESTRUCTIVE_FLAGS, addFlags, type FlagSpec } from "../options.js";
import { addRuntimeOptions } from "../runtime.js";
import type { RehearseCommandOptions } from "./rehearse.js";

/**
 * The flags and examples of a rehearsal, shared by `apply --rehearse` and `plan rehearse`. Kept
 * apart from rehearse.ts so that `apply --help` does not load the sandbox.
 */

/** The flags a rehearsal adds; `apply --rehearse` and `plan rehearse` both take them. */
export const REHEARSE_FLAGS: readonly FlagSpec[] = [
  {
    flags: "--fault-rate <p>",
    key: "faultRate",
    help: "rehearse again under injected 5xx, 429 and dropped connections (0-1), resuming as --resume would, and compare end states",
  },
  {
    flags: "--fault-seed <n>",
    key: "faultSeed",
    help: "seed of the injected faults, to repeat a run (default 1)",
  },
  {
    flags: "--kill-at <step>",
    key: "killAt",
    help: "rehearse again with a crash at STEP (after it ran; STEP:started for before), then --resume, and compare end states",
  },
  {
    flags: "--transition-ms <ms>",
    key: "transitionMs",
    help: `how long machines sit in starting/stopping/... in the copy (default ${DEFAULT_TRANSITION_MS}, Fly's subsecond; lower is faster)`,
  },
];

export const REHEARSE_EXAMPLES = `
Examples:
  flyops apply plans/scale-web.json --rehearse                 # what the plan would create, change, destroy
  flyops plan rehearse plans/scale-web.json --json             # the same, as JSON for scripts
  flyops apply plans/scale-web.json --rehearse --kill-at s2    # crash at s2, resume, compare with a clean run
  flyops apply plans/scale-web.json --rehearse --fault-rate 0.2 --fault-seed 7

Only reads are sent to Fly: the apps the plan names are copied into an in-process sandbox, and the
real applier (validator, approval, preconditions, leases, a journal in a temporary folder) runs
there. Exit 0 when every step would succeed, 1 otherwise.`;

export function planRehearseCommand(): Command {
  const command = new Command("rehearse")
    .description(
      "Run a plan against a sandbox copy of the live apps it touches and show what it would create, change and destroy; only reads reach Fly",
    )
    .argument("<file>", "plan file");
  addFlags(command, [
    ...DESTRUCTIVE_FLAGS,
    {
      flags: "--ignore-drift",
      key: "ignoreDrift",
      help: "rehearse even when the copy no longer matches the plan's preconditions",
    },
    {
      flags: "--interrupted <what>",
      key: "interrupted",
      help: "for --kill-at/--fault-rate resumes: whether an interrupted step flyops cannot check took effect",
      choices: ["retry", "done"],
    },
    ...REHEARSE_FLAGS,
  ])
    .option("--json", "print the rehearsal report as JSON on stdout")
    .addOption(new Option("--raw", "alias of --json").hideHelp())
    .addHelpText("after", REHEARSE_EXAMPLES);
  addRuntimeOptions(command);
  return command.action(async (file: string, options: RehearseCommandOptions) => {
    // Loaded only when run: a rehearsal brings the sandbox's code with it.
    const { runRehearse } = await import("./rehearse.js");
    await runRehearse(file, options);
  });
}
