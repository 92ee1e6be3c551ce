/**
 * Duplicate keys in JSON text. JSON.parse keeps the last of two equal keys without a word, so a
 * plan file could show a reviewer `"tool": "machines_stop"` while a later `"tool":
 * "machines_destroy"` in the same object is what runs. Keys are compared after unescaping
 * (`"tool"` and `"t\u006fol"` are the same key), as JSON.parse compares them.
 *
 * Call it on text JSON.parse has accepted: it scans, it does not validate.
 */

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function keyPath(path: string, key: string): string {
  if (IDENTIFIER.test(key)) return path === "" ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

class Scanner {
  #at = 0;
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  #skipSpace(): void {
    while (WHITESPACE.has(this.#text[this.#at] ?? "")) this.#at += 1;
  }

  #string(): string {
    const start = this.#at;
    this.#at += 1;
    while (this.#text[this.#at] !== '"') this.#at += this.#text[this.#at] === "\\" ? 2 : 1;
    this.#at += 1;
    return JSON.parse(this.#text.slice(start, this.#at)) as string;
  }

  #object(path: string): string | undefined {
    this.#at += 1;
    this.#skipSpace();
    if (this.#text[this.#at] === "}") {
      this.#at += 1;
      return undefined;
    }
    const seen = new Set<string>();
    for (;;) {
      this.#skipSpace();
      const key = this.#string();
      const where = keyPath(path, key);
      if (seen.has(key)) return where;
      seen.add(key);
      this.#skipSpace();
      this.#at += 1; // ":"
      const inner = this.value(where);
      if (inner !== undefined) return inner;
      this.#skipSpace();
      const next = this.#text[this.#at];
      this.#at += 1; // "," or "}"
      if (next !== ",") return undefined;
    }
  }

  #array(path: string): string | undefined {
    this.#at += 1;
    this.#skipSpace();
    if (this.#text[this.#at] === "]") {
      this.#at += 1;
      return undefined;
    }
    for (let index = 0; ; index += 1) {
      const inner = this.value(`${path}[${index}]`);
      if (inner !== undefined) return inner;
      this.#skipSpace();
      const next = this.#text[this.#at];
      this.#at += 1; // "," or "]"
      if (next !== ",") return undefined;
    }
  }

  /** The path of the first duplicate key inside the value that starts here, or undefined. */
  value(path: string): string | undefined {
    this.#skipSpace();
    const c = this.#text[this.#at];
    if (c === "{") return this.#object(path);
    if (c === "[") return this.#array(path);
    if (c === '"') {
      this.#string();
      return undefined;
    }
    // A number, true, false or null.
    while (this.#at < this.#text.length && !/[\s,\]}]/.test(this.#text[this.#at]!)) this.#at += 1;
    return undefined;
  }
}

/** The path of the first key that appears twice in one object (`steps[0].tool`), or undefined. */
export function firstDuplicateKey(text: string): string | undefined {
  return new Scanner(text).value("");
}
