import { GROUPS } from "./linear-time-cases.js";

/**
 * Runs one group of linear-time-cases.ts (its name is the first argument), printing "done NAME"
 * after each case. A case that throws ends the run with its error and exit code 1.
 */
const name = process.argv[2] ?? "";
const group = GROUPS[name];
if (!group) throw new Error(`no group ${name}; the groups are ${Object.keys(GROUPS).join(", ")}`);
for (const [caseName, run] of group) {
  await run();
  process.stdout.write(`done ${caseName}\n`);
}
