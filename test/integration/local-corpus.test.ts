import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { askCase, judge, openCorpusWorld, type CorpusWorld } from "../support/local-corpus.js";
import { CORPUS } from "./local-corpus-cases.js";

/**
 * Every question of the corpus through the production ask loop with the local model, against the
 * demo sandbox: each answer holds the facts it must and none it must not, or the model refuses
 * (LocalModelCannotAnswer, exit 1). `node --import tsx bench/local-corpus.ts` prints the tally.
 */

let world: CorpusWorld;

beforeAll(async () => {
  world = await openCorpusWorld();
});

afterAll(async () => {
  await world.close();
});

describe("the local model on questions an operator asks", () => {
  it("has a corpus of at least 60 questions, each with facts to check or a refusal", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(60);
    for (const item of CORPUS)
      if (item.expect !== "refuses") expect(item.expect.has.length, item.question).toBeGreaterThan(0);
  });

  for (const item of CORPUS) {
    const label = `${item.before ? `[after ${item.before.map((b) => `"${b}"`).join(", ")}] ` : ""}${item.question}`;
    it(label, async () => {
      const verdict = judge(item.expect, await askCase(world, item));
      expect(verdict.tally === "right" ? "right" : `${verdict.tally}: ${verdict.why}`).toBe("right");
    });
  }
});
