import { describe, expect, it } from "vitest";
import { hasUnsafeCharacters, terminalSafe, unsafeCharacters } from "../../src/security/terminal-safe.js";

/** Code points from..to inclusive, as strings. */
function range(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i));
}

const hex = (c: string): string => (c.codePointAt(0) ?? 0).toString(16).padStart(4, "0");

// Written out from the issue and Unicode's tables, not derived from the implementation's regex.
const CLASSES: Record<string, string[]> = {
  "C0 controls": range(0x00, 0x1f),
  DEL: ["\u007f"],
  "C1 controls (CSI U+009B, NEL U+0085 among them)": range(0x80, 0x9f),
  "bidi controls": [...range(0x202a, 0x202e), ...range(0x2066, 0x2069), "\u061c", "\u200e", "\u200f"],
  "zero-width and word-joining format characters": [
    ...range(0x200b, 0x200d),
    ...range(0x2060, 0x2064),
    "\ufeff",
  ],
  "other format characters (Cf)": [
    "\u00ad",
    "\u180e",
    ...range(0x0600, 0x0605),
    "\u06dd",
    "\u070f",
    ...range(0xfff9, 0xfffb),
    "\u{110bd}",
    ...range(0x1d173, 0x1d17a),
  ],
  "tag characters": ["\u{e0001}", ...range(0xe0020, 0xe007f)],
  "line and paragraph separators": ["\u2028", "\u2029"],
  "default-ignorable fillers and selectors": ["\u115f", "\u3164", "\uffa0", "\u034f", "\ufe0f", "\u{e0100}"],
  "lone surrogates": ["\ud800", "\udbff", "\udc00", "\udfff"],
};

describe("terminalSafe", () => {
  for (const [name, chars] of Object.entries(CLASSES)) {
    it(`escapes every one of the ${name}`, () => {
      for (const c of chars) {
        const shown = terminalSafe(`a${c}b`);
        expect(shown, `U+${hex(c)}`).not.toContain(c);
        expect(shown, `U+${hex(c)}`).toMatch(/^a\\(u[0-9a-f]{4}|u\{[0-9a-f]{5,6}\}|[nrt])b$/);
        expect(hasUnsafeCharacters(c), `U+${hex(c)}`).toBe(true);
      }
    });
  }

  it("shows ANSI sequences as text: ESC becomes \\u001b, the rest of the sequence stays readable", () => {
    expect(terminalSafe("\u001b[1A\u001b[2Kdestroy nothing")).toBe("\\u001b[1A\\u001b[2Kdestroy nothing");
    expect(terminalSafe("\u009b2J")).toBe("\\u009b2J");
    expect(terminalSafe("\u001b]8;;https://x.invalid\u0007link\u001b]8;;\u0007")).toBe(
      "\\u001b]8;;https://x.invalid\\u0007link\\u001b]8;;\\u0007",
    );
  });

  it("writes code points above U+FFFF whole in text, as surrogate pairs in JSON", () => {
    expect(terminalSafe("x\u{e0041}\u{e0042}")).toBe("x\\u{e0041}\\u{e0042}");
    expect(terminalSafe("x\u{e0041}", "json")).toBe("x\\udb40\\udc41");
    expect(terminalSafe("\u{e0001}")).toBe("\\u{e0001}");
  });

  it("escapes newline, CR and tab in one line; keeps newline and tab in several lines; never CR", () => {
    expect(terminalSafe("a\nb\rc\td")).toBe("a\\nb\\rc\\td");
    expect(terminalSafe("a\nb\rc\td", "lines")).toBe("a\nb\\rc\td");
    expect(terminalSafe("a\nb\u001bc", "lines")).toBe("a\nb\\u001bc");
  });

  it("keeps JSON valid and meaning the same: a reader decodes the escapes to the original string", () => {
    const value = {
      reason: "\u001b[2K\u202egnp.exe\u200b\u00ad\u2028\u0085\u007f\u{e0041}",
      [`key\u2066`]: ["\ufeff"],
    };
    const text = terminalSafe(JSON.stringify(value, null, 2), "json");
    expect(hasUnsafeCharacters(text.replaceAll("\n", ""))).toBe(false);
    expect(JSON.parse(text)).toEqual(value);
    expect(text).toContain("\\u202e");
    expect(text).toContain("\n  ");
  });

  it("leaves printable text alone: ASCII, accents, other scripts, emoji without selectors or joiners", () => {
    const plain =
      "destroy machine 148e272b0e4d89 of demo-web — café, Ünïcödé, 日本語, العربية, 👍 😀 \\u001b";
    expect(terminalSafe(plain)).toBe(plain);
    expect(terminalSafe(plain, "lines")).toBe(plain);
    expect(terminalSafe(plain, "json")).toBe(plain);
    expect(hasUnsafeCharacters(plain)).toBe(false);
  });

  it("is idempotent, so a field escaped once and again at the output gate reads the same", () => {
    const nasty = "a\u001b[1A\n\t\u202e\u{e0041}\ud800z";
    for (const mode of ["line", "lines", "json"] as const) {
      const once = terminalSafe(nasty, mode);
      expect(terminalSafe(once, mode)).toBe(once);
      expect(terminalSafe(once, "lines")).toBe(terminalSafe(once, mode));
    }
  });

  it("leaves no control or format character anywhere in Unicode unescaped", () => {
    const unsafe = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
    const missed: string[] = [];
    for (let point = 0; point <= 0x10ffff; point += 1) {
      if (point >= 0xd800 && point <= 0xdfff) continue;
      const c = String.fromCodePoint(point);
      if (unsafe.test(c) && unsafe.test(terminalSafe(c))) missed.push(hex(c));
    }
    expect(missed).toEqual([]);
  });

  it("lists the distinct offending characters of a string, escaped, for a message", () => {
    expect(unsafeCharacters("a\u001b[1A\u001b[2K\u202e\u200b")).toEqual(["\\u001b", "\\u202e", "\\u200b"]);
    expect(unsafeCharacters("plain")).toEqual([]);
    expect(unsafeCharacters("\u0001\u0002\u0003\u0004\u0005\u0006", 3)).toHaveLength(3);
  });
});
