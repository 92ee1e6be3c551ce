/**
 * A small, strict PromQL parser for the sandbox: exactly the shapes flyops's metrics tools send
 * (tools/metric-measures.ts), and nothing else. Anything it does not understand is refused, as
 * Prometheus refuses a query it cannot parse (HTTP 400, errorType "bad_data"). One pass over the
 * text, no regular expression with a quantifier over input: linear in the query.
 *
 *   expr     := term [ "-" term ]                       (one-to-one on all labels but the name)
 *   term     := agg | call | selector
 *   agg      := ("sum"|"max"|"min"|"avg"|"count") [ "by" "(" label {"," label} ")" ] "(" expr ")"
 *   call     := "histogram_quantile" "(" number "," expr ")" | rangeFn "(" selector "[" duration "]" ")"
 *   selector := metric [ "{" matcher {"," matcher} "}" ]
 *   matcher  := label ("=" | "!=" | "=~") string      (=~ only a status class: "5..")
 */

export type Aggregation = "sum" | "max" | "min" | "avg" | "count";
export type RangeFunction =
  "rate" | "increase" | "max_over_time" | "min_over_time" | "sum_over_time" | "count_over_time";

export interface Matcher {
  label: string;
  op: "=" | "!=" | "=~";
  value: string;
}

export interface Selector {
  kind: "selector";
  metric: string;
  matchers: Matcher[];
}

export type Expr =
  | Selector
  | { kind: "range"; fn: RangeFunction; selector: Selector; seconds: number }
  | { kind: "agg"; op: Aggregation; by: string[]; expr: Expr }
  | { kind: "quantile"; q: number; expr: Expr }
  | { kind: "difference"; left: Expr; right: Expr };

export class PromQLError extends Error {}

const AGGREGATIONS = new Set<string>(["sum", "max", "min", "avg", "count"]);
const RANGE_FUNCTIONS = new Set<string>([
  "rate",
  "increase",
  "max_over_time",
  "min_over_time",
  "sum_over_time",
  "count_over_time",
]);
const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
const MAX_QUERY_LENGTH = 4096;

type Token = { kind: "ident" | "number" | "string" | "duration" | "punct"; text: string; at: number };

const isIdentStart = (c: string): boolean => /[A-Za-z_]/.test(c);
const isIdent = (c: string): boolean => /[A-Za-z0-9_:]/.test(c);
const isDigit = (c: string): boolean => c >= "0" && c <= "9";

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\n") {
      i += 1;
      continue;
    }
    const start = i;
    if (isIdentStart(c)) {
      while (i < text.length && isIdent(text[i]!)) i += 1;
      tokens.push({ kind: "ident", text: text.slice(start, i), at: start });
    } else if (isDigit(c)) {
      while (i < text.length && (isDigit(text[i]!) || text[i] === ".")) i += 1;
      const unitChar = text[i];
      if (unitChar !== undefined && unitChar in UNITS) {
        i += 1;
        tokens.push({ kind: "duration", text: text.slice(start, i), at: start });
      } else tokens.push({ kind: "number", text: text.slice(start, i), at: start });
    } else if (c === '"') {
      const close = text.indexOf('"', i + 1);
      if (close < 0) throw new PromQLError(`1:${start + 1}: parse error: unterminated quoted string`);
      const value = text.slice(i + 1, close);
      if (value.includes("\\"))
        throw new PromQLError(`1:${start + 1}: parse error: escapes are not supported here`);
      tokens.push({ kind: "string", text: value, at: start });
      i = close + 1;
    } else if ((c === "!" || c === "=") && (text[i + 1] === "=" || text[i + 1] === "~")) {
      tokens.push({ kind: "punct", text: text.slice(i, i + 2), at: start });
      i += 2;
    } else if ("(){}[],=-".includes(c)) {
      tokens.push({ kind: "punct", text: c, at: start });
      i += 1;
    } else {
      throw new PromQLError(`1:${start + 1}: parse error: unexpected character ${JSON.stringify(c)}`);
    }
  }
  return tokens;
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Expr {
    const expr = this.expr();
    const rest = this.tokens[this.at];
    if (rest) this.fail(rest, `unexpected ${JSON.stringify(rest.text)}`);
    return expr;
  }

  private fail(token: Token | undefined, message: string): never {
    throw new PromQLError(`1:${(token?.at ?? 0) + 1}: parse error: ${message}`);
  }

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private take(kind?: Token["kind"], text?: string): Token {
    const token = this.tokens[this.at];
    if (!token) return this.fail(this.tokens.at(-1), "unexpected end of input");
    if ((kind && token.kind !== kind) || (text !== undefined && token.text !== text))
      this.fail(token, `unexpected ${JSON.stringify(token.text)}, expected ${text ?? kind ?? "more"}`);
    this.at += 1;
    return token;
  }

  /** A difference takes one operator: `used = total - available` is the one the catalog sends. */
  private expr(): Expr {
    const left = this.term();
    if (this.peek()?.text !== "-") return left;
    this.take("punct", "-");
    return { kind: "difference", left, right: this.term() };
  }

  private term(): Expr {
    const head = this.take("ident");
    const next = this.peek();
    if (AGGREGATIONS.has(head.text) && (next?.text === "(" || next?.text === "by")) {
      const by: string[] = [];
      if (next.text === "by") {
        this.take("ident", "by");
        this.take("punct", "(");
        by.push(this.take("ident").text);
        while (this.peek()?.text === ",") {
          this.take("punct", ",");
          by.push(this.take("ident").text);
        }
        this.take("punct", ")");
      }
      this.take("punct", "(");
      const inner = this.expr();
      this.take("punct", ")");
      return { kind: "agg", op: head.text as Aggregation, by, expr: inner };
    }
    if (head.text === "histogram_quantile" && next?.text === "(") {
      this.take("punct", "(");
      const q = Number(this.take("number").text);
      if (!(q >= 0 && q <= 1)) this.fail(head, "the quantile must be between 0 and 1");
      this.take("punct", ",");
      const inner = this.expr();
      this.take("punct", ")");
      return { kind: "quantile", q, expr: inner };
    }
    if (RANGE_FUNCTIONS.has(head.text) && next?.text === "(") {
      this.take("punct", "(");
      const selector = this.selector(this.take("ident"));
      this.take("punct", "[");
      const seconds = duration(this.take("duration"));
      this.take("punct", "]");
      this.take("punct", ")");
      return { kind: "range", fn: head.text as RangeFunction, selector, seconds };
    }
    if (next?.text === "(")
      this.fail(
        head,
        `function or aggregation ${JSON.stringify(head.text)} is not supported by the flyops sandbox`,
      );
    return this.selector(head);
  }

  private selector(metric: Token): Selector {
    const matchers: Matcher[] = [];
    if (this.peek()?.text === "{") {
      this.take("punct", "{");
      for (; this.peek()?.text !== "}";) {
        const label = this.take("ident");
        const op = this.take("punct");
        if (op.text !== "=" && op.text !== "!=" && op.text !== "=~")
          this.fail(op, `unexpected ${JSON.stringify(op.text)} in label matching`);
        const value = this.take("string");
        if (op.text === "=~" && !/^[1-5]\.\.$/.test(value.text))
          this.fail(value, 'the flyops sandbox takes =~ only for a status class such as "5.."');
        matchers.push({ label: label.text, op: op.text, value: value.text });
        if (this.peek()?.text !== ",") break;
        this.take("punct", ",");
      }
      this.take("punct", "}");
    }
    return { kind: "selector", metric: metric.text, matchers };
  }
}

function duration(token: Token): number {
  const unitSeconds = UNITS[token.text.slice(-1)] ?? 0;
  const amount = Number(token.text.slice(0, -1));
  if (!Number.isInteger(amount) || amount <= 0)
    throw new PromQLError(`1:${token.at + 1}: parse error: bad duration ${JSON.stringify(token.text)}`);
  return amount * unitSeconds;
}

export function parsePromQL(query: string): Expr {
  if (query.trim() === "") throw new PromQLError("missing query");
  if (query.length > MAX_QUERY_LENGTH) throw new PromQLError("query is longer than the flyops sandbox takes");
  return new Parser(tokenize(query)).parse();
}

/** A Prometheus duration or a number of seconds, as `step` takes it. */
export function parseStep(text: string): number | undefined {
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text);
  const unitSeconds = UNITS[text.slice(-1)];
  const amount = Number(text.slice(0, -1));
  return unitSeconds !== undefined && Number.isFinite(amount) && amount > 0
    ? amount * unitSeconds
    : undefined;
}
