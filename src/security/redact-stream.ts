import type { Redactor } from "./redact.js";

/**
 * Redaction of text written in pieces, such as a model's answer as it streams. A credential may be
 * split between two pieces, so text is held until what comes after it can no longer change how it
 * is redacted, then released redacted, a line at a time.
 *
 * No credential shape crosses a line break, with one exception: the blanks between a name and its
 * credential (`Authorization:` at the end of one line, the value on the next). So a line is released
 * once it is complete, unless a name at its end still waits for its credential: then that name's
 * line is held with what follows. A redactor that knows a value spanning lines (a multi-line secret
 * file) makes the stream hold everything until `end`.
 */

// What may stand between a name and its credential: blanks, quotes, a backslash, `:` or `=`.
const LEAD_CHAR = /[\s"'\\:=]/;
// A name whose credential follows it (redact.ts). No word boundary is asked for: a known value just
// before the name becomes [REDACTED] when the text is redacted, and then there is one.
const NAME_AT_END = /(?:[Ff]ly[Vv]1|[Bb]earer|BEARER|[Aa]uthorization|AUTHORIZATION)$/;
const LONGEST_NAME = "authorization".length;

export class RedactingStream {
  readonly #redactor: Redactor;
  readonly #sink: (text: string) => void;
  // Complete lines kept back because a name at the end of the last one waits for its credential.
  // Only ever appended to and released whole, never read, so a long wait costs no re-reading.
  #held = "";
  // What came after #held; it starts at a line start and is read when a line completes.
  #open = "";

  constructor(redactor: Redactor, sink: (text: string) => void) {
    this.#redactor = redactor;
    this.#sink = sink;
  }

  write(text: string): void {
    this.#open += text;
    const lineEnd = text.lastIndexOf("\n");
    if (lineEnd < 0 || this.#redactor.knowsMultiLineValue()) return;
    const complete = this.#open.length - text.length + lineEnd + 1;
    const cut = this.#safeCut(complete);
    if (cut > 0) {
      this.#release(this.#held + this.#open.slice(0, cut));
      this.#held = "";
    }
    this.#held += this.#open.slice(cut, complete);
    this.#open = this.#open.slice(complete);
  }

  /** Releases everything held: the writer is done, or about to wait for a person. */
  end(): void {
    this.#release(this.#held + this.#open);
    this.#held = "";
    this.#open = "";
  }

  #release(text: string): void {
    if (text !== "") this.#sink(this.#redactor.redact(text));
  }

  /**
   * The last line start in #open, at or before `end`, that no name waits across; 0 when there is
   * none after #held. Going back from `end`, a name that waits moves the cut to the start of its line.
   */
  #safeCut(end: number): number {
    const open = this.#open;
    for (let cut = end; cut > 0;) {
      let lead = cut;
      while (lead > 0 && LEAD_CHAR.test(open[lead - 1]!)) lead -= 1;
      // Blanks back to #held: they continue its waiting name, or follow released text that had none.
      if (lead === 0) return this.#held === "" ? cut : 0;
      const name = NAME_AT_END.exec(open.slice(Math.max(0, lead - LONGEST_NAME), lead))?.[0];
      if (name === undefined) return cut;
      cut = open.lastIndexOf("\n", lead - name.length - 1) + 1;
    }
    return 0;
  }
}
