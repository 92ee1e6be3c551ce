import { GROUPS } from "./linear-time-cases.js";

/**
 * Runs the groups of linear-time-cases.ts named as arguments, in order, in one process (loading
 * the code under test once): "start GROUP" before each group, "done GROUP<TAB>CASE" after each
 * case. A case that throws ends the run with its error and exit code 1.
 */
const names = process.argv.slice(2);
for (const name of names) {
  const group = GROUPS[name];
  if (!group) throw new Error(`no group ${name}; the groups are ${Object.keys(GROUPS).join(", ")}`);
  process.stdout.write(`start ${name}\n`);
  for (const [caseName, run] of group) {
    await run();
    process.stdout.write(`done ${name}\t${caseName}\n`);
  }
}
