// Runs `flyops apply FILE --yes` from the built CLI, in process, and stops dead at one step's
// start or end so a test can SIGKILL it there: the crash `--resume` must recover from.
//   node test/support/apply-until-killed.js FILE STEP started|ran
import process from "node:process";
import { setInterval } from "node:timers";
import { applyDeps, runApply } from "../../dist/src/cli/commands/apply.js";

const [file, stepId, moment] = process.argv.slice(2);
const deps = {
  ...applyDeps(),
  onStep: async (step, at) => {
    if (step !== stepId || at !== moment) return;
    process.stderr.write(`paused at ${moment} of ${step}; kill this process to simulate a crash\n`);
    await new Promise(() => setInterval(() => undefined, 1 << 30));
  },
};
await runApply(file, { yes: true }, deps);
process.stderr.write("apply ended without reaching the pause\n");
