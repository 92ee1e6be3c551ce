import { request as undiciRequest } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { HttpTransport } from "../../src/fly/http.js";
import { UnsafePathError, checkRequestPath } from "../../src/fly/path-safety.js";
import { seg } from "../../src/fly/rest-support.js";
import { FlyRest } from "../../src/fly/rest.js";
import { fakeToken, json, recordingClock, startServer, type TestServer } from "./http-server-fixture.js";

/**
 * The layer under the catalog's shapes: a path segment built from an id, and the path the HTTP
 * transport sends, refuse anything a client or server could resolve into another resource. A
 * caller that skips the shapes (a future tool, a direct FlyRest call) still sends nothing.
 */

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const HOSTILE_SEGMENTS = [
  "",
  ".",
  "..",
  "../x",
  "x/..",
  "/",
  "a/b",
  "%2e%2e",
  "%2E",
  ".%2e",
  "a%2fb",
  "a%5cb",
  "%252e",
  "\\",
  "a\\..",
  " ",
  "a b",
  "\t",
  "\u0000",
  "\u001b[1A",
  "\u2060",
  "\u202e",
  "é",
  "a?b",
  "a#b",
];

describe("seg", () => {
  it.each(["my-app", "148ed123a45678", "vol_9vw681egy1jj5xm4", "www.example.com", "*.example.com"])(
    "keeps %s as one segment, unchanged",
    (value) => {
      expect(seg(value)).toBe(value);
    },
  );

  it("keeps the colons of an IPv6 address, as Go's url.PathEscape does", () => {
    expect(seg("2a09:8280:1::1")).toBe("2a09:8280:1::1");
  });

  it.each(HOSTILE_SEGMENTS.map((v) => [JSON.stringify(v), v]))(
    "refuses %s with a typed error that hides nothing",
    (_shown, value) => {
      let error: unknown;
      try {
        seg(value);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UnsafePathError);
      const refused = error as UnsafePathError;
      expect(refused.exitCode).toBe(1);
      expect(refused.hint).toMatch(/one plain path segment/);
      // The value is shown escaped: the message itself holds no control or invisible character.
      expect(refused.message).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    },
  );

  it("shows a long value cut short", () => {
    expect(() => seg(`a/${"x".repeat(10_000)}`)).toThrow(/and 9922 more characters/);
  });
});

describe("checkRequestPath", () => {
  it.each([
    "/v1/apps/my-app/machines/148ed123a45678/stop",
    "/v1/apps/my-app/ip_assignments/2a09:8280:1::1",
    "/v1/apps/my-app/certificates/*.example.com",
    "/graphql",
    "/graphql/",
    "/",
    "/graphql?x=..",
  ])("lets %s through", (path) => {
    expect(() => checkRequestPath(path)).not.toThrow();
  });

  it.each([
    "/v1/apps/demo-web/volumes/..",
    "/v1/apps/demo-web/volumes/.",
    "/v1/apps/demo-web/volumes/../x",
    "/v1/apps/demo-web/volumes/.%2e",
    "/v1/apps/demo-web/volumes/%2E%2E",
    "/v1/apps/demo-web/volumes/a%2fb",
    "/v1/apps/demo-web/volumes/a%5Cb",
    "/v1/apps/demo-web/volumes/%252e%252e",
    "/v1/apps/demo-web/volumes/%00",
    "/v1/apps/demo-web/volumes/%zz",
    "/v1/apps/demo-web/volumes/a\\b",
    "/v1/apps//volumes",
    "/v1/apps/demo-web/volumes/a b",
    "/v1/apps/demo-web/volumes/\u202e",
    "/v1/apps/demo-web/volumes/..?q=1",
    "v1/apps/demo-web",
    "",
  ])("refuses %s", (path) => {
    expect(() => checkRequestPath(path)).toThrow(UnsafePathError);
  });
});

describe("the HTTP transport and FlyRest, given a dot segment", () => {
  it("undici resolves dot segments before sending: why the transport must refuse them", async () => {
    server = await startServer((_req, res) => json(res, 200, {}));
    for (const suffix of ["..", "%2e%2e", ".%2E"]) {
      const response = await undiciRequest(`${server.url}/v1/apps/demo-web/volumes/${suffix}`, {
        method: "DELETE",
      });
      await response.body.text();
    }
    // DELETE /v1/apps/demo-web/volumes/.. arrives as a DELETE of the app.
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      "DELETE /v1/apps/demo-web/",
      "DELETE /v1/apps/demo-web/",
      "DELETE /v1/apps/demo-web/",
    ]);
  });

  it("refuses to send a path with a dot segment, even when a caller built it by hand", async () => {
    server = await startServer((_req, res) => json(res, 200, {}));
    const seen: string[] = [];
    const http = new HttpTransport({
      baseUrl: server.url,
      token: fakeToken(),
      clock: recordingClock(),
      onRequest: (r) => seen.push(r.path),
    });
    for (const path of ["/v1/apps/demo-web/volumes/..", "/v1/apps/demo-web/machines/%2e%2e"]) {
      await expect(http.request({ method: "DELETE", path })).rejects.toBeInstanceOf(UnsafePathError);
    }
    expect(seen).toEqual([]);
    expect(server.requests).toEqual([]);
  });

  it("refuses FlyRest calls whose id would leave its segment, and sends nothing", async () => {
    server = await startServer((_req, res) => json(res, 200, {}));
    const rest = new FlyRest(
      new HttpTransport({ baseUrl: server.url, token: fakeToken(), clock: recordingClock() }),
    );
    const attempts: Array<() => Promise<unknown>> = [
      () => rest.destroyVolume("demo-web", ".."),
      () => rest.destroyMachine("demo-web", ".."),
      () => rest.getVolume("demo-web", "../volumes"),
      () => rest.destroyMachine("..", "148ed123a45678"),
      () => rest.deleteCertificate("demo-web", "a/.."),
      () => rest.releaseIp("demo-web", "fe80::1%eth0"),
      () => rest.listOrgMachines("."),
    ];
    // Some methods throw before their promise exists; either way nothing leaves.
    for (const attempt of attempts)
      await expect(Promise.resolve().then(attempt)).rejects.toBeInstanceOf(UnsafePathError);
    expect(server.requests).toEqual([]);
  });
});
