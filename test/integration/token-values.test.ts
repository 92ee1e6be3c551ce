import { afterEach, describe, expect, it } from "vitest";
import type { MockModelServer } from "../support/mock-model-turns.js";
import { startMockOpenAI } from "../support/mock-openai.js";
import { sandboxHome } from "../support/sandbox-home.js";

/**
 * A token's value lives in the sandbox's token records (as Fly holds it) and must never leave:
 * not in a request to the model, not in `flyops ask --json`'s output. The built CLI runs against
 * a demo sandbox whose every token value is replaced at run time by a token-shaped fake.
 */

const world = sandboxHome({ prefix: "flyops-token-values-", sandbox: { seed: "demo" } });

function plant(): string[] {
  return world.sandbox.store.addons.tokens.map((token, i) => {
    token.value = `fo1_${String(i)}` + "tokenleak".repeat(5);
    return token.value;
  });
}

describe("token values never leave", () => {
  const mocks: MockModelServer<unknown>[] = [];
  afterEach(async () => {
    await Promise.all(mocks.splice(0).map((m) => m.close()));
  });

  it("a remote model reads the tokens' names and expiries, never a value, and the output has none", async () => {
    const planted = plant();
    const mock = await startMockOpenAI({
      turns: [
        {
          toolCalls: [
            { name: "tokens_list", arguments: {} },
            { name: "tokens_list", arguments: { org: "acme-corp", name: "ci-deploy" } },
          ],
        },
        { text: "metrics-readonly expires first." },
      ],
    });
    mocks.push(mock);
    const run = await world.cli(["ask", "--json", "which tokens expire this month?"], {
      FLYOPS_MODEL: "openai:gpt-4.1",
      OPENAI_BASE_URL: mock.baseUrl,
      OPENAI_API_KEY: "sk-proj-" + "tokenTestKey".repeat(4),
    });
    expect(run.code, run.stderr).toBe(0);
    const sent = JSON.stringify(mock.requests.map((r) => r.body));
    // The tool results did reach the model: the test would see a leak.
    for (const name of ["ci-deploy", "metrics-readonly", "old-ci", "dana-laptop"])
      expect(sent).toContain(name);
    expect(run.stdout).toContain("metrics-readonly expires first.");
    for (const value of planted) {
      expect(sent).not.toContain(value);
      expect(run.stdout + run.stderr).not.toContain(value);
    }
    expect(sent).not.toMatch(/fo1_\d/);
  });

  it("the local model's answer through `ask --json` names the tokens and holds no value", async () => {
    const planted = plant();
    const run = await world.cli([
      "ask",
      "--json",
      "--model",
      "local",
      "which tokens exist and when do they expire?",
    ]);
    expect(run.code, run.stderr).toBe(0);
    for (const name of ["ci-deploy", "metrics-readonly", "old-ci", "dana-laptop"])
      expect(run.stdout).toContain(name);
    for (const value of planted) expect(run.stdout + run.stderr).not.toContain(value);
  });
});
