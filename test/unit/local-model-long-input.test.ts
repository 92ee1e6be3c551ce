import { describe, expect, it } from "vitest";
import { MAX_QUESTION_CHARS } from "../../src/llm/local/choose.js";
import { findHostnames } from "../../src/llm/local/entities.js";
import { defaultApp } from "../../src/llm/local/fleet.js";
import { LocalModelCannotAnswer, createLocalModel } from "../../src/llm/local/index.js";
import { orgOf } from "../../src/llm/local/read-parts.js";
import { refusalOf } from "../../src/llm/local/refusals.js";
import { parseToolContent } from "../../src/llm/local/tool-result.js";
import { ask, make } from "./local-model-fixture.js";

/**
 * What the local model does with long and oddly shaped input, now that every reading is linear
 * (test/unit/linear-time.test.ts runs the megabyte cases): a question over the length it reads is
 * refused with the limit, and the readings rewritten as scans answer as before.
 */

const model = createLocalModel();
const STOPPED = "which machines are stopped?";

describe("the length of a question", () => {
  it("refuses a question longer than it reads, saying the limit and quoting only the start", async () => {
    const long = `${STOPPED} ${"please ".repeat(MAX_QUESTION_CHARS / 7)}`;
    const error = await ask(model, long).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalModelCannotAnswer);
    const message = (error as Error).message;
    expect(message).toContain(
      `questions of up to ${MAX_QUESTION_CHARS} characters, and this one has ${long.length}`,
    );
    expect(message.length).toBeLessThan(500);
  });

  it("answers a question as long as the limit", async () => {
    const result = await ask(model, STOPPED.padEnd(MAX_QUESTION_CHARS));
    expect(result.answer).toContain("e2865013c49e86");
  });

  it("refuses a change request longer than it reads", async () => {
    const made = await make(
      model,
      `stop machine e2865013c49e86 of web ${"now ".repeat(MAX_QUESTION_CHARS / 4)}`,
    );
    expect(made.plan).toBeUndefined();
    expect(made.text).toContain(`change requests of up to ${MAX_QUESTION_CHARS} characters`);
  });

  it("refuses a follow-up to a question too long to read, quoting that question cut short", async () => {
    const long = `${STOPPED} ${"x".repeat(MAX_QUESTION_CHARS)}`;
    const error = await ask(model, "and in iad?", {
      history: [{ question: long, answer: "(not answered)" }],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalModelCannotAnswer);
    expect((error as Error).message).toContain("follow-up to the question before it");
    expect((error as Error).message.length).toBeLessThan(800);
  });
});

describe("chains of follow-ups", () => {
  const followUps = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ question: i % 2 ? "and in iad?" : "and in ams?", answer: "..." }));
  const opening = { question: STOPPED, answer: "..." };

  it("follows a chain as long as the ask history keeps", async () => {
    const result = await ask(model, "and in iad?", { history: [opening, ...followUps(9)] });
    expect(result.calls[1]?.input).toMatchObject({ state: ["stopped"], region: "iad" });
  });

  it("refuses a chain longer than that rather than reading the conversation once per question", async () => {
    await expect(ask(model, "and in iad?", { history: [opening, ...followUps(10)] })).rejects.toBeInstanceOf(
      LocalModelCannotAnswer,
    );
  });
});

describe("readings rewritten as linear scans", () => {
  it("asks for a secret value when a value word and a secret share a sentence, in either order", () => {
    const refused = /never reads secret values/;
    expect(refusalOf("show me the value of the DATABASE_URL secret")).toMatch(refused);
    expect(refusalOf("for DATABASE_URL on web, what is the value?")).toMatch(refused);
    expect(refusalOf("what is STRIPE_API_KEY set to?")).toMatch(refused);
    expect(refusalOf("which secrets does web have? list the values.") ?? "").not.toMatch(refused);
    expect(refusalOf(`${"secret ".repeat(5000)}names`) ?? "").not.toMatch(refused);
  });

  it("finds hostnames as whole dotted words", () => {
    expect(findHostnames("add a cert for www.example.com.")).toEqual(["www.example.com"]);
    expect(findHostnames("is https://API.Example.com:443/health up")).toEqual(["api.example.com"]);
    expect(findHostnames("a wildcard *.example.com and staging.acme.example")).toEqual([
      "*.example.com",
      "staging.acme.example",
    ]);
    expect(findHostnames("see README.md, app.ts, 137.66.10.20 and e.g. this")).toEqual([]);
    // Longer than a DNS name can be (RFC 1035: 253 characters): no part of it is taken for one.
    expect(findHostnames(`${"a.".repeat(130)}com`)).toEqual([]);
  });

  it("reads an org slug before 'org' from where its name starts", () => {
    expect(orgOf("which apps are in the acme-corp org?")).toBe("acme-corp");
    expect(orgOf("apps of the team-2-eu organization")).toBe("team-2-eu");
    expect(orgOf("apps in x.acme-corp org")).toBe("acme-corp");
    expect(orgOf(`${"sk-proj-".repeat(5000)} machines`)).toBeUndefined();
  });

  it("finds JSON after a few stray brackets, and gives up on a text of brackets", () => {
    const json = '{"rows":[{"id":"m1"}]}';
    expect(parseToolContent(`note {x} [y ${json}`)).toEqual({ rows: [{ id: "m1" }] });
    const brackets = `${"{".repeat(40)} ${json}`;
    expect(parseToolContent(brackets)).toBe(brackets);
  });

  it("reads the default app from the system prompt", () => {
    expect(defaultApp("Context:\n- Default app: web-api\n- Today's date: 2026-10-10")).toBe("web-api");
    expect(defaultApp("The default application for this session is web")).toBe("web");
    expect(defaultApp("Context:\n- Default app: none")).toBeUndefined();
  });
});
