/**
 * The local model's tally on the question corpus (test/integration/local-corpus-cases.ts): how many
 * questions it answers right, refuses, or answers wrongly, against the demo sandbox.
 *
 *   node --import tsx bench/local-corpus.ts            # the tally
 *   node --import tsx bench/local-corpus.ts --verbose  # and each question that is not right
 *
 * Prints figures only; the corpus test asserts each question.
 */
import { parseArgs } from "node:util";
import { CORPUS } from "../test/integration/local-corpus-cases.js";
import { askCase, judge, openCorpusWorld } from "../test/support/local-corpus.js";

const { values } = parseArgs({ options: { verbose: { type: "boolean", default: false } } });
const world = await openCorpusWorld();
const tally = { right: 0, refused: 0, wrong: 0 };
try {
  for (const item of CORPUS) {
    const verdict = judge(item.expect, await askCase(world, item));
    tally[verdict.tally] += 1;
    if (values.verbose && verdict.tally !== "right")
      console.log(`[${verdict.tally}] ${item.question}\n  ${verdict.why.replace(/\n/g, "\n  ")}\n`);
  }
} finally {
  await world.close();
}
console.log(
  `${CORPUS.length} questions: ${tally.right} right, ${tally.refused} refused, ${tally.wrong} wrong or partial`,
);
