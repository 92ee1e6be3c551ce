/**
 * Tool results reach a model as text: the tool's `view` as JSON, possibly wrapped by the ask loop
 * as data (an envelope object, markers around the JSON, a note about truncation). These helpers
 * recover the JSON value and the list of records in it without depending on one wrapping.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonRecord = { [key: string]: Json };

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const DATA_OPEN = "<data>";
const DATA_CLOSE = "</data>";

/**
 * What the first <data> … </data> holds, without the blanks around it. Found with indexOf: a lazy
 * `[\s\S]*?` followed by `\s*` re-reads a long run of blanks inside the data at every step.
 */
function dataBlock(content: string): string | undefined {
  const open = content.indexOf(DATA_OPEN);
  if (open < 0) return undefined;
  const close = content.indexOf(DATA_CLOSE, open + DATA_OPEN.length);
  return close < 0 ? undefined : content.slice(open + DATA_OPEN.length, close).trim();
}

/** The JSON value inside a tool result's text, or the text itself when none is found. */
export function parseToolContent(content: string): Json {
  const wrapped = dataBlock(content);
  const inner = wrapped === undefined ? undefined : tryParse(wrapped);
  if (inner !== undefined) return unwrapStrings(inner);
  const direct = tryParse(content.trim());
  if (direct !== undefined) return unwrapStrings(direct);
  const embedded = firstEmbeddedJson(content);
  return embedded === undefined ? content : unwrapStrings(embedded);
}

/** Envelope keys under which a loop might put the tool's view. */
const ENVELOPE_KEYS = [
  "data",
  "result",
  "output",
  "content",
  "view",
  "value",
  "untrusted_data",
  "tool_result",
];
/** Keys under which a view might put its rows. */
const ROW_KEYS = [
  "rows",
  "items",
  "records",
  "results",
  "machines",
  "apps",
  "volumes",
  "secrets",
  "ips",
  "certificates",
  "certs",
  "regions",
  "orgs",
  "organizations",
  "nodes",
];

/** Strips envelopes until the tool's own view is reached. */
export function unwrapView(value: Json): Json {
  let current = value;
  for (let depth = 0; depth < 4; depth++) {
    if (!isRecord(current)) break;
    const record: JsonRecord = current;
    const key = ENVELOPE_KEYS.find((k) => k in record);
    const inner = key === undefined ? undefined : record[key];
    if (inner === undefined || inner === null) break;
    current = inner;
  }
  return current;
}

/** The records of a list view (an array of objects, or the first such array under a rows-like key). */
export function recordsOf(value: Json): JsonRecord[] {
  const view = unwrapView(value);
  if (Array.isArray(view)) return view.filter(isRecord);
  if (!isRecord(view)) return [];
  for (const key of ROW_KEYS) {
    const rows = view[key];
    if (Array.isArray(rows)) return rows.filter(isRecord);
  }
  const arrays = Object.values(view).filter((v): v is Json[] => Array.isArray(v) && v.some(isRecord));
  if (arrays.length === 1 && arrays[0]) return arrays[0].filter(isRecord);
  return [view];
}

/** The single record of a get view. */
export function recordOf(value: Json): JsonRecord | undefined {
  const view = unwrapView(value);
  if (isRecord(view)) return view;
  if (Array.isArray(view) && view.length === 1 && isRecord(view[0])) return view[0];
  return undefined;
}

/** The text of an error result, kept short: the ask loop sends errors back as results. */
export function errorText(value: Json): string {
  const view = unwrapView(value);
  if (typeof view === "string") return view.trim().split("\n")[0] ?? "";
  if (isRecord(view)) {
    for (const key of ["error", "message", "detail"]) {
      const text = view[key];
      if (typeof text === "string") return text;
      if (isRecord(text) && typeof text.message === "string") return text.message;
    }
  }
  return JSON.stringify(view);
}

function tryParse(text: string): Json | undefined {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

/** A JSON document that a loop serialised as a string inside its envelope. */
function unwrapStrings(value: Json): Json {
  if (typeof value === "string") {
    const trimmed = value.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      const inner = tryParse(trimmed) ?? firstEmbeddedJson(trimmed);
      if (inner !== undefined) return unwrapStrings(inner);
    }
    return value;
  }
  if (Array.isArray(value)) return value.map(unwrapStrings);
  if (isRecord(value)) {
    const out: JsonRecord = {};
    for (const [key, inner] of Object.entries(value))
      out[key] = ENVELOPE_KEYS.includes(key) ? unwrapStrings(inner) : inner;
    return out;
  }
  return value;
}

/** The longest JSON object or array found in text, by bracket matching that respects strings. */
function firstEmbeddedJson(text: string): Json | undefined {
  for (let start = 0; start < text.length; start++) {
    const open = text[start];
    if (open !== "{" && open !== "[") continue;
    const end = matchingBracket(text, start);
    if (end < 0) continue;
    const parsed = tryParse(text.slice(start, end + 1));
    if (parsed !== undefined && typeof parsed === "object") return parsed;
  }
  return undefined;
}

function matchingBracket(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === "{" || ch === "[") depth++;
    else if (ch === "}" || ch === "]") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
