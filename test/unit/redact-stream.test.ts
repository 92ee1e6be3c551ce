import { describe, expect, it } from "vitest";
import { REDACTED, Redactor } from "../../src/security/redact.js";
import { RedactingStream } from "../../src/security/redact-stream.js";

// Fakes are assembled at run time so that no token-shaped literal sits in the repository.
const FLY = "fm2_" + "Zy7/+".repeat(30);
const HEADER = "Custom " + "opaque".repeat(4);
const KNOWN = "correct horse battery " + "st".repeat(4);

/** Writes `pieces` one by one; returns what reached the sink before `end`, and in all. */
function stream(redactor: Redactor, pieces: readonly string[]): { before: string; all: string } {
  let out = "";
  const written = new RedactingStream(redactor, (text) => (out += text));
  for (const piece of pieces) written.write(piece);
  const before = out;
  written.end();
  return { before, all: out };
}

describe("RedactingStream", () => {
  const text = [
    `token ${FLY} in a line`,
    `Authorization: ${HEADER}`,
    "FlyV1",
    "  " + "v".repeat(20),
    `Bearer\n\n${"b".repeat(24)}`,
    `the pass phrase is ${KNOWN}.`,
    "end",
  ].join("\n");

  it("gives what redacting the whole text gives, wherever the text is cut in two", () => {
    const redactor = new Redactor([KNOWN]);
    const whole = redactor.redact(text);
    expect(whole).not.toContain(FLY.slice(4, 30));
    expect(whole).toContain(`Authorization: ${REDACTED}`);
    expect(whole).toContain(`FlyV1\n  ${REDACTED}`);
    for (let cut = 0; cut <= text.length; cut += 1)
      expect(stream(redactor, [text.slice(0, cut), text.slice(cut)]).all, `cut at ${cut}`).toBe(whole);
  });

  it("gives the same one character at a time", () => {
    const redactor = new Redactor([KNOWN]);
    expect(stream(redactor, [...text]).all).toBe(redactor.redact(text));
  });

  it("releases a line once it is complete, and holds an unfinished one", () => {
    const { before, all } = stream(new Redactor(), ["first line\nsecond ", "li"]);
    expect(before).toBe("first line\n");
    expect(all).toBe("first line\nsecond li");
  });

  it("holds a line that ends in a name until the credential after it has come", () => {
    const redactor = new Redactor();
    const { before, all } = stream(redactor, ["ok\nAuthorization:\n", "\n", `${HEADER}\n`, "after"]);
    expect(before).toBe(`ok\nAuthorization:\n\n${REDACTED}\n`);
    expect(all).toBe(`${before}after`);
  });

  it("holds everything while it knows a value that spans lines", () => {
    const secret = "-----BEGIN KEY-----\n" + "k".repeat(40) + "\n-----END KEY-----";
    const redactor = new Redactor([secret]);
    const { before, all } = stream(redactor, ["key:\n", secret.slice(0, 30), secret.slice(30), "\ndone\n"]);
    expect(before).toBe("");
    expect(all).toBe(`key:\n${REDACTED}\ndone\n`);
  });
});
