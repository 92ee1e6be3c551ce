import { describe, expect, it } from "vitest";
import { REDACTED, Redactor, TOKEN_PATTERN, containsToken } from "../../src/security/redact.js";

// Fakes are assembled at run time so that no token-shaped literal sits in the repository.
const body = (n: number, alphabet = "Ab3+/="): string =>
  Array.from({ length: n }, (_, i) => alphabet[i % alphabet.length]).join("");
const fo1 = "fo1_" + body(43, "aZ9_-");
const fm1r = "fm1r_" + body(120);
const fm1a = "fm1a_" + body(80);
const fm2 = "fm2_" + body(200);
const fm2b = "fm2_" + body(150, "Zy7/+");
const openaiKey = "sk-" + body(48, "aB1");
const projectKey = "sk-proj-" + body(60, "x_Y-2");
const anthropicKey = "sk-ant-api03-" + body(80, "Q9-_w");

const redact = (text: string): string => new Redactor().redact(text);

describe("TOKEN_PATTERN", () => {
  it.each([
    ["fo1_", fo1],
    ["fm1r_", fm1r],
    ["fm1a_", fm1a],
    ["fm2_", fm2],
    ["openai sk-proj-", projectKey],
    ["anthropic sk-ant-", anthropicKey],
  ])("replaces a %s token wherever it sits", (_kind, token) => {
    for (const text of [token, `TOKEN=${token}`, `x${token}y`, `value: "${token}" end`]) {
      const out = redact(text);
      expect(out).not.toContain(token.slice(0, 12) + token.slice(12, 24));
      expect(out).toContain(REDACTED);
      expect(containsToken(text)).toBe(true);
    }
  });

  it("replaces a bare sk- key that starts a word, and not the tail of a hyphenated name", () => {
    for (const text of [openaiKey, `OPENAI_API_KEY=${openaiKey}`, `"${openaiKey}"`]) {
      expect(redact(text)).not.toContain(openaiKey);
    }
    const appName = "task-queue-worker-production-eu-west";
    expect(redact(appName)).toBe(appName);
  });

  it("replaces a comma-joined macaroon bundle as one value", () => {
    const bundle = `${fm2},${fm2b}`;
    expect(redact(`token=${bundle} rest`)).toBe(`token=${REDACTED} rest`);
  });

  it("replaces FlyV1, Bearer and Authorization header values, keeping the names", () => {
    expect(redact(`FlyV1 ${fm2},${fm2b}`)).toBe(`FlyV1 ${REDACTED}`);
    const opaque = body(40, "k9.~_-");
    expect(redact(`Bearer ${opaque}`)).toBe(`Bearer ${REDACTED}`);
    expect(redact(`Authorization: Basic ${body(30, "pQ8")}\r\nHost: x`)).toBe(
      `Authorization: ${REDACTED}\r\nHost: x`,
    );
    expect(redact(`{"authorization":"Custom ${body(20, "m")}","host":"x"}`)).toBe(
      `{"authorization":"${REDACTED}","host":"x"}`,
    );
  });

  it("redacts tokens inside JSON, and inside JSON encoded again as a string", () => {
    const data = {
      config: { env: { DEPLOY_TOKEN: fo1, H: `FlyV1 ${fm2}` } },
      headers: { Authorization: "x".repeat(9) },
    };
    const once = JSON.stringify(data);
    const twice = JSON.stringify({ text: once });
    for (const text of [once, twice, once.replaceAll("/", "\\/")]) {
      const out = redact(text);
      expect(out).not.toContain(fo1);
      expect(out).not.toContain(fm2.slice(4, 40));
      expect(out).not.toContain("x".repeat(9));
      expect(containsToken(out)).toBe(false);
    }
    expect(JSON.parse(redact(once))).toEqual({
      config: { env: { DEPLOY_TOKEN: REDACTED, H: `FlyV1 ${REDACTED}` } },
      headers: { Authorization: REDACTED },
    });
  });

  it("leaves ordinary fleet data alone", () => {
    const text = JSON.stringify({
      app: "task-queue-worker-production",
      machine: "d8901234abc567",
      note: "tokens look like fo1_… or FlyV1 …",
      image: "registry.fly.io/web:deployment-01HX",
      region: "iad",
    });
    expect(containsToken(text.replace("FlyV1 …", ""))).toBe(false);
    expect(redact(text)).toContain("task-queue-worker-production");
    expect(redact(text)).toContain("d8901234abc567");
  });

  it("is idempotent, and its output no longer contains a token", () => {
    const text = `Authorization: FlyV1 ${fm2}\nBearer ${fo1} ${projectKey}`;
    const once = redact(text);
    expect(redact(once)).toBe(once);
    expect(containsToken(once)).toBe(false);
  });

  it("is safe to reuse: containsToken does not depend on lastIndex", () => {
    TOKEN_PATTERN.lastIndex = 5;
    expect(containsToken(fo1)).toBe(true);
    expect(containsToken(fo1)).toBe(true);
    expect(containsToken("nothing here")).toBe(false);
  });
});

describe("Redactor", () => {
  it("replaces the exact values it was given, whatever their shape", () => {
    const secret = "correct horse battery " + body(6, "st");
    const redactor = new Redactor([secret]);
    expect(redactor.redact(`pw is ${secret}.`)).toBe(`pw is ${REDACTED}.`);
  });

  it("replaces values added later, in raw and JSON-escaped forms", () => {
    const redactor = new Redactor();
    const secret = `quote"back\\slash/${body(8, "u")}`;
    redactor.add(secret);
    expect(redactor.redact(`a ${secret} b`)).toBe(`a ${REDACTED} b`);
    const json = JSON.stringify({ v: secret });
    expect(redactor.redact(json)).toBe(JSON.stringify({ v: REDACTED }));
    const nested = JSON.stringify({ t: json });
    expect(redactor.redact(nested)).not.toContain("back");
  });

  it("replaces the parts of a credential that may travel alone", () => {
    const partA = "opaque-" + body(20, "r");
    const partB = "opaque-" + body(20, "s");
    const redactor = new Redactor([`FlyV1 ${partA},${partB}`]);
    expect(redactor.redact(`first ${partA} second ${partB}`)).toBe(`first ${REDACTED} second ${REDACTED}`);
  });

  it("ignores empty and very short values, which would blank ordinary words", () => {
    const redactor = new Redactor(["", "ab"]);
    expect(redactor.redact("about a table")).toBe("about a table");
  });

  it("prefers the longest known value", () => {
    const short = "shared-" + body(6, "q");
    const long = short + "-and-more";
    const redactor = new Redactor([short, long]);
    expect(redactor.redact(long)).toBe(REDACTED);
  });
});
