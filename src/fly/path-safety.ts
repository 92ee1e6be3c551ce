import { RefusedError } from "../errors.js";

/**
 * What may go into a request path. The catalog checks every id by its Fly shape first; this is
 * the layer under it, so that a caller that forgets a shape still cannot make a request name
 * another resource. undici (7.x) parses every URL with the WHATWG URL parser, which resolves
 * dot segments, including encoded ones ("..", ".%2e", "%2E%2E"), turns "\" into "/" and drops
 * tabs and newlines: GET /v1/apps/x/volumes/.. is sent as GET /v1/apps/x/. A server may also
 * decode %2F into a separator. So a segment may hold only RFC 3986 path characters, and a path
 * no dot segment and no escape of ".", "/", "\", "%" or a control character.
 */

export class UnsafePathError extends RefusedError {
  constructor(what: string, value: string) {
    super(`refused to send a request: ${what} (${shown(value)})`, {
      hint: "an id or name must be one plain path segment; check the input against its Fly shape (e.g. a machine id is 14 lowercase hex digits)",
    });
  }
}

// RFC 3986 pchar without "%": unreserved, sub-delims, ":" and "@". IPv6 addresses need the ":".
const SEGMENT_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]+$/;
// The same characters, "%" for escapes and "/" between segments.
const PATH_CHARS = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
// An escape of ".", "/", "\", "%" or a control character: one a server or proxy may decode into
// a separator, a dot segment or a second escape.
const RISKY_ESCAPE = /%(?:2[eEfF]|5[cC]|25|[01][0-9A-Fa-f]|7[fF])/;
const MALFORMED_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

/** Throws unless `value` stays exactly one path segment, naming the one resource it names. */
export function checkSegment(value: string): void {
  if (value === "") throw new UnsafePathError("an id or name in the path is empty", value);
  if (value === "." || value === "..")
    throw new UnsafePathError("an id or name in the path is a dot segment", value);
  if (!SEGMENT_CHARS.test(value))
    throw new UnsafePathError(
      "an id or name in the path holds a character that is not a plain path character",
      value,
    );
}

/**
 * Throws unless `path` (with an optional query after "?") is one that no client or server will
 * rewrite: it starts with "/", holds only path characters, no dot segment, no empty segment but
 * a trailing one, and no escape that decodes into a separator, a dot or another escape.
 */
export function checkRequestPath(path: string): void {
  const query = path.indexOf("?");
  const pathname = query === -1 ? path : path.slice(0, query);
  if (!PATH_CHARS.test(pathname))
    throw new UnsafePathError("the path holds a character that is not a plain path character", path);
  if (MALFORMED_ESCAPE.test(pathname) || RISKY_ESCAPE.test(pathname))
    throw new UnsafePathError("the path holds an escape that a server could decode into a separator", path);
  const segments = pathname.slice(1).split("/");
  segments.forEach((segment, index) => {
    if (segment === "." || segment === "..") throw new UnsafePathError("the path holds a dot segment", path);
    if (segment === "" && index < segments.length - 1)
      throw new UnsafePathError("the path holds an empty segment", path);
  });
}

/** The value for a message, quoted and short, with everything but plain printable ASCII escaped. */
function shown(value: string): string {
  let out = "";
  for (const char of value.slice(0, 80)) {
    const code = char.codePointAt(0) ?? 0;
    const plain = code >= 0x20 && code < 0x7f && char !== '"' && char !== "\\";
    out += plain ? char : `\\u{${code.toString(16)}}`;
  }
  return `"${out}"${value.length > 80 ? ` and ${value.length - 80} more characters` : ""}`;
}
