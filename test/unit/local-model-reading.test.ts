import { describe, expect, it } from "vitest";
import { LocalModelCannotAnswer, createLocalModel } from "../../src/llm/local/index.js";
import { readQuestion } from "../../src/llm/local/reading.js";
import { readWindow } from "../../src/llm/local/time-window.js";
import { correctTypos, correctWord, editDistance } from "../../src/llm/local/typos.js";
import { ask } from "./local-model-fixture.js";

const model = createLocalModel();
const SYSTEM = "Context:\n- Default app: none\n- Today's date: 2026-10-10";

const kinds = (question: string): string[] => readQuestion(question, SYSTEM).qualifiers.map((q) => q.kind);

describe("typos", () => {
  it("measures edits, a swap of neighbours counting as one", () => {
    expect(editDistance("unatached", "unattached")).toBe(1);
    expect(editDistance("memroy", "memory")).toBe(1);
    expect(editDistance("stopped", "started")).toBe(3);
  });

  it("restores mistyped keywords and leaves names, real words and capitals alone", () => {
    expect(correctTypos("do i hav any unatached volumes")).toBe("do i hav any unattached volumes");
    expect(correctTypos("wich machnes are stoped in ams")).toBe("wich machines are stopped in ams");
    expect(correctTypos("secrets of demo-wbe and vol_machnes")).toBe("secrets of demo-wbe and vol_machnes");
    expect(correctTypos("is acme-api helthy")).toBe("is acme-api healthy");
    expect(correctWord("create")).toBeUndefined();
    expect(correctWord("larger")).toBeUndefined();
    expect(correctWord("STOPED")).toBeUndefined();
  });
});

describe("time windows", () => {
  it("counts whole days back from today's date, and says a problem instead of guessing", () => {
    expect(readWindow("updated in the last 7 days", "2026-10-10")).toEqual({
      window: { since: "2026-10-03", phrase: "in the last 7 days" },
    });
    expect(readWindow("created yesterday", "2026-10-10")).toEqual({
      window: { since: "2026-10-09", until: "2026-10-10", phrase: "yesterday" },
    });
    // 2026-10-10 is a Saturday; ISO weeks start on Monday.
    expect(readWindow("this week", "2026-10-10")).toEqual({
      window: { since: "2026-10-05", phrase: "this week" },
    });
    expect(readWindow("created in the last 24 hours", "2026-10-10")).toMatchObject({
      problem: expect.stringContaining("whole days") as unknown,
    });
    expect(readWindow("stopped recently", "2026-10-10")).toMatchObject({ phrase: "recently" });
    expect(readWindow("created 3 days ago", "2026-10-10")).toMatchObject({ phrase: "ago" });
    expect(readWindow("in the last week", undefined)).toMatchObject({
      problem: "the conversation does not say today's date",
    });
    expect(readWindow("which machines are stopped?", "2026-10-10")).toBeUndefined();
  });
});

describe("qualifiers", () => {
  it("reads every qualifier a question carries", () => {
    expect(kinds("which apps are in the acme-corp org?")).toEqual(["org"]);
    expect(readQuestion("what apps are in my personal org", SYSTEM).org).toBe("personal");
    expect(kinds("which machines were updated in the last 7 days?")).toEqual(["window"]);
    expect(kinds("what's the biggest volume?")).toEqual(["superlative"]);
    expect(kinds("do i hav any unatached volumes")).toEqual(["attachment"]);
    expect(kinds("which certificates are not verified?")).toEqual(["cert-status"]);
    expect(kinds("which apps don't have any secrets?")).toEqual(["negation"]);
    expect(kinds("which machines aren't running in iad?")).toEqual(["region", "state"]);
    expect(kinds("machines with 2 performance cpus")).toEqual(["guest"]);
    expect(kinds("volumes bigger than 10GB")).toEqual(["amount"]);
    expect(kinds("do any of my apps have a dedicated ipv4?")).toEqual(["ip-kind"]);
  });

  it("refuses subjects without a read tool, changes and secret values whatever the shape", () => {
    for (const [question, why] of [
      ["show me the DNS records of demo-web", /no read tool for DNS records/],
      ["what's the p99 latency of pg-primary?", /reads only 5xx counts .* memory or CPU machines use/],
      ["how much am I paying for acme-db?", /no read tool for costs/],
      ["which machines are idle?", /no read tool for machine activity/],
      ["restart demo-web", /flyops ask only reads.*flyops plan "restart demo-web"/],
      ["what's the value of DATABASE_URL on demo-web?", /never reads secret values/],
    ] as const)
      expect(readQuestion(question, SYSTEM).refusal, question).toMatch(why);
    // Health, checks, releases and events have read tools now (issue 9): not refused.
    for (const question of [
      "show me the health checks of machine 148e272b0e4d89",
      "show me the health checks for demo-web",
      "list the releases of acme-api",
      "which of my machines are failing?",
      "top 3 machines by cpu usage in acme-api",
      "what's the cpu usage of pg-primary?",
    ])
      expect(readQuestion(question, SYSTEM).refusal, question).toBeUndefined();
  });
});

describe("the rule: apply the qualifier or refuse", () => {
  it("refuses a qualifier the shape cannot apply, naming it and where it applies", async () => {
    const error = await ask(model, "what secrets do apps in ams have?").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalModelCannotAnswer);
    const message = (error as LocalModelCannotAnswer).message;
    expect(message).toContain('cannot apply "ams" (a region)');
    expect(message).toContain("will not answer a broader question");
    expect(message).toMatch(/applies a region to questions such as "/);
  });

  it("applies an org by passing it to the tools", async () => {
    const result = await ask(model, "which machines are stopped in the personal org?");
    expect(result.calls.map((c) => [c.tool, c.input])).toEqual([
      ["apps_list", { org: "personal" }],
      ["orgs_list", {}],
      ["org_machines_list", { org: "personal", state: ["stopped"] }],
    ]);
    expect(result.answer).toMatch(/^2 stopped machines in org personal:/);
  });

  it("answers for the org asked about, never for every org", async () => {
    // The fixture serves no GraphQL, so orgs_list fails and cannot say whether "nope" exists;
    // against the sandbox the corpus checks that an unknown org is named as one.
    const result = await ask(model, "which apps are in the nope org?");
    expect(result.calls[0]).toMatchObject({
      tool: "apps_list",
      input: { org: "nope", include: ["regions"] },
    });
    expect(result.answer).toBe("You have no apps in org nope.");
  });

  it("ranks by size and keeps every volume tied for the top", async () => {
    const result = await ask(model, "what's the biggest volume?");
    expect(result.calls[1]).toMatchObject({
      tool: "org_volumes_list",
      input: { sort: "size", order: "desc" },
    });
    expect(result.answer.split("\n")).toEqual([
      "The biggest volume:",
      "- vol_1a2b3c4d5e6f7g8h (data) — app web, iad, 10 GB, attached to 148ed193b95e89",
    ]);
  });

  it("reads update times from machines_get, since the listing has none", async () => {
    const result = await ask(model, "which machines were updated in the last 7 days?");
    expect(result.calls.filter((c) => c.tool === "machines_get")).toHaveLength(6);
    // The fixture's machines were all updated on 2026-01-01, long before the prompt's date.
    expect(result.answer).toBe("There are no machines updated since 2026-01-25.");
  });
});
