import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { refuseRequest, sameSecret, serverToken } from "../../src/mcp/http-gate.js";

/** The gate of `flyops mcp --http`, case by case: what a request must carry to be served. */

const TOKEN = "tok-" + "q".repeat(40);
const PORT = 4290;

function req(headers: Record<string, string | string[]>): IncomingMessage {
  const distinct = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value : [value]]),
  );
  return { headersDistinct: distinct } as unknown as IncomingMessage;
}

const GOOD = { host: `127.0.0.1:${PORT}`, authorization: `Bearer ${TOKEN}` };

describe("refuseRequest", () => {
  it("serves a loopback Host with the server's port and the token, with or without a loopback Origin", () => {
    for (const host of [`127.0.0.1:${PORT}`, `localhost:${PORT}`, `LOCALHOST:${PORT}`, `[::1]:${PORT}`]) {
      expect(refuseRequest(req({ ...GOOD, host }), TOKEN, PORT), host).toBeUndefined();
    }
    for (const origin of ["http://localhost:6274", "http://127.0.0.1", "https://[::1]:8443"]) {
      expect(refuseRequest(req({ ...GOOD, origin }), TOKEN, PORT), origin).toBeUndefined();
    }
    expect(refuseRequest(req({ ...GOOD, authorization: `bearer ${TOKEN}` }), TOKEN, PORT)).toBeUndefined();
  });

  it("refuses a Host that is not this server on loopback: rebound names, other ports, none, two", () => {
    const hosts: Array<string | string[] | undefined> = [
      `attacker.example:${PORT}`,
      `127.0.0.1.nip.io:${PORT}`,
      "127.0.0.1:1",
      "127.0.0.1",
      `127.0.0.2:${PORT}`,
      `0.0.0.0:${PORT}`,
      `localhost:${PORT}0`,
      [`127.0.0.1:${PORT}`, `attacker.example:${PORT}`],
      undefined,
    ];
    for (const host of hosts) {
      const headers = host === undefined ? { authorization: GOOD.authorization } : { ...GOOD, host };
      expect(refuseRequest(req(headers), TOKEN, PORT)?.status, String(host)).toBe(403);
    }
  });

  it("refuses an Origin that is not a page on this machine, even with the token", () => {
    const origins: Array<string | string[]> = [
      "http://attacker.example",
      "http://localhost.attacker.example",
      "http://127.0.0.1.attacker.example:4290",
      "null",
      "file://",
      "chrome-extension://abcdef",
      "not a url",
      ["http://localhost:1", "http://attacker.example"],
    ];
    for (const origin of origins) {
      expect(refuseRequest(req({ ...GOOD, origin }), TOKEN, PORT)?.status, String(origin)).toBe(403);
    }
  });

  it("refuses a missing, wrong, differently-schemed, padded or doubled token with 401", () => {
    expect(refuseRequest(req({ host: GOOD.host }), TOKEN, PORT)?.status).toBe(401);
    const wrong = [
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      "Bearer ",
      "Bearer",
      `Basic ${TOKEN}`,
      TOKEN,
      `Bearer ${TOKEN} ${TOKEN}`,
      [`Bearer ${TOKEN}`, `Bearer ${TOKEN}`],
    ];
    for (const authorization of wrong) {
      expect(refuseRequest(req({ ...GOOD, authorization }), TOKEN, PORT)?.status, String(authorization)).toBe(
        401,
      );
    }
  });
});

describe("sameSecret", () => {
  it("is true only for the same text, whatever the lengths", () => {
    expect(sameSecret(TOKEN, TOKEN)).toBe(true);
    expect(sameSecret(TOKEN, `${TOKEN} `)).toBe(false);
    expect(sameSecret("", TOKEN)).toBe(false);
    expect(sameSecret(TOKEN.toUpperCase(), TOKEN)).toBe(false);
  });
});

describe("serverToken", () => {
  it("generates 32 random bytes when FLYOPS_MCP_TOKEN is unset, a new one each time", () => {
    const a = serverToken({});
    const b = serverToken({ FLYOPS_MCP_TOKEN: "" });
    expect(a.generated && b.generated).toBe(true);
    expect(a.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.value).not.toBe(b.value);
  });

  it("takes FLYOPS_MCP_TOKEN when it is long and has no blanks, and refuses it otherwise", () => {
    const given = "g".repeat(32);
    expect(serverToken({ FLYOPS_MCP_TOKEN: given })).toEqual({ value: given, generated: false });
    for (const bad of ["g".repeat(31), `${"g".repeat(32)} x`, `${"g".repeat(32)}\n`, `${"g".repeat(32)}é`]) {
      expect(() => serverToken({ FLYOPS_MCP_TOKEN: bad })).toThrow(UsageError);
    }
  });
});
