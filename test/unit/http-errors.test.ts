import { afterEach, describe, expect, it } from "vitest";
import { RefusedError } from "../../src/errors.js";
import { FlyApiError } from "../../src/fly/errors.js";
import { HttpTransport, type RecordedRequest } from "../../src/fly/http.js";
import { RateLimiter } from "../../src/fly/limiter.js";
import { fakeToken, json, recordingClock, startServer, type TestServer } from "./http-server-fixture.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function failWith(status: number, body: unknown, token = fakeToken()): Promise<FlyApiError> {
  server = await startServer((_req, res) => json(res, status, body));
  const http = new HttpTransport({ baseUrl: server.url, token, maxRetries: 0 });
  const error = await http.request({ method: "GET", path: "/v1/apps/my-app" }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(FlyApiError);
  return error as FlyApiError;
}

describe("error mapping", () => {
  it.each([
    [401, "token validation error", /rejected the token \(401\).*token validation error/, /FLY_API_TOKEN/],
    [
      403,
      "unauthorized for app",
      /refused GET \/v1\/apps\/my-app \(403 forbidden\): unauthorized for app/,
      /org/,
    ],
    [404, "app not found", /^not found: GET \/v1\/apps\/my-app \(404\): app not found$/, /list/],
    [408, "deadline exceeded", /timed out.*\(408\): deadline exceeded/, /retry/],
    [
      422,
      "invalid guest: memory_mb must be a multiple of 256",
      /invalid \(422\).*memory_mb must be a multiple of 256/,
      /input/,
    ],
    [429, "rate limit exceeded", /rate limited.*\(429\).*rate limit exceeded/, /wait/],
    [500, "internal error", /failed with 500 .*: internal error/, /status\.flyio\.net/],
    [503, "upstream down", /failed with 503 .*: upstream down/, /retry later/],
  ])("%i carries Fly's error text and a hint", async (status, flyText, message, hint) => {
    const error = await failWith(status, { error: flyText });
    expect(error.status).toBe(status);
    expect(error.method).toBe("GET");
    expect(error.path).toBe("/v1/apps/my-app");
    expect(error.flyError).toBe(flyText);
    expect(error.body).toEqual({ error: flyText });
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain("\n");
    expect(error.hint).toMatch(hint);
    expect(error.exitCode).toBe(1);
    expect(error.isRetryable).toBe(status === 429 || status >= 500);
  });

  it("says a 412 is about the state of the machine, naming the command that shows it", () => {
    const error = new FlyApiError({
      status: 412,
      method: "POST",
      path: "/v1/apps/demo-web/machines/148e272b0e4d89/restart",
      body: { error: "unable to restart machine from current state: 'stopped'" },
      api: "Machines API",
    });
    expect(error.message).toBe(
      "Machines API refused POST /v1/apps/demo-web/machines/148e272b0e4d89/restart (412): the machine or volume is not in a state that allows this: unable to restart machine from current state: 'stopped'",
    );
    expect(error.hint).toContain(
      "check its current state with `flyops fly get machine 148e272b0e4d89 --app demo-web`",
    );
    const volume = new FlyApiError({ status: 412, method: "DELETE", path: "/v1/apps/acme-db/volumes/vol_1" });
    expect(volume.hint).toContain("`flyops fly list volumes --app acme-db`");
    expect(volume.isRetryable).toBe(false);
  });

  it("sends a mixed token bundle's macaroons only to the Machines API, and all of it to GraphQL", async () => {
    const macaroon = fakeToken("fm2_");
    const oauth = fakeToken("fo1_");
    server = await startServer((_req, res) => json(res, 200, {}));
    for (const tokenAudience of ["machines", "graphql"] as const) {
      const http = new HttpTransport({ baseUrl: server.url, token: `${oauth},${macaroon}`, tokenAudience });
      await http.request({ method: "GET", path: "/v1/apps/a" });
    }
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      `FlyV1 ${macaroon}`,
      `FlyV1 ${macaroon},${oauth}`,
    ]);
  });

  it("keeps a plain-text error body and reads `message` when there is no `error`", async () => {
    expect((await failWith(502, "<html>bad gateway</html>")).message).toContain("<html>bad gateway</html>");
    await server?.close();
    expect((await failWith(400, { message: "bad cursor" })).flyError).toBe("bad cursor");
  });

  it("never lets the token into a message, even when the server echoes it", async () => {
    const token = fakeToken("fm2_");
    const error = await failWith(401, { error: `bad token ${token}` }, token);
    expect(error.message).not.toContain(token);
    expect(JSON.stringify(error.body)).not.toContain(token);
    expect(error.message).toContain("[REDACTED]");
  });
});

describe("requests", () => {
  it("sends the token in the right scheme, JSON bodies, and the query without undefined values", async () => {
    const recorded: RecordedRequest[] = [];
    server = await startServer((_req, res) => json(res, 200, { id: "m1" }));
    const token = fakeToken("fm2_");
    const http = new HttpTransport({ baseUrl: `${server.url}/`, token, onRequest: (r) => recorded.push(r) });
    await http.request({
      method: "POST",
      path: "/v1/apps/a/machines",
      query: { force: true, n: 2, skip: undefined },
      body: { region: "iad" },
    });
    const seen = server.requests[0];
    expect(seen?.url).toBe("/v1/apps/a/machines?force=true&n=2");
    expect(seen?.headers.authorization).toBe(`FlyV1 ${token}`);
    expect(seen?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(seen?.body ?? "")).toEqual({ region: "iad" });
    expect(recorded).toEqual([
      {
        method: "POST",
        path: "/v1/apps/a/machines",
        query: { force: "true", n: "2" },
        body: { region: "iad" },
      },
    ]);
  });

  it("resolves an empty body to undefined", async () => {
    server = await startServer((_req, res) => res.writeHead(200).end());
    const http = new HttpTransport({ baseUrl: server.url, token: fakeToken() });
    await expect(http.request({ method: "DELETE", path: "/v1/apps/a/secrets/X" })).resolves.toBeUndefined();
  });

  it("paces requests through the limiter bucket they name", async () => {
    server = await startServer((_req, res) => json(res, 200, {}));
    const clock = recordingClock();
    const limiter = new RateLimiter({ clock });
    const http = new HttpTransport({ baseUrl: server.url, token: fakeToken(), limiter });
    const limit = { action: "machines_stop", key: "m1" };
    for (let i = 0; i < 4; i++)
      await http.request({ method: "POST", path: "/v1/apps/a/machines/m1/stop", limit });
    // Burst of 3 goes at once; the fourth waits for a token at 90% of 1 req/s.
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.sleeps[0]).toBeCloseTo(1000 / 0.9, 6);
    expect(server.requests).toHaveLength(4);
  });
});

describe("secret values are never fetched", () => {
  it.each([
    ["/v1/apps/a/secretkeys/k/decrypt", undefined],
    ["/v1/apps/a/secretkeys/k%2Fx/DECRYPT/", undefined],
    ["/v1/apps/a/secrets", { show_secrets: true }],
    ["/v1/apps/a/secrets?show_secrets=1", undefined],
    ["/v1/apps/a/secrets", { SHOW_SECRETS: "true" }],
  ])("refuses %s %o without sending anything", async (path, query) => {
    server = await startServer((_req, res) => json(res, 200, {}));
    const recorded: RecordedRequest[] = [];
    const http = new HttpTransport({
      baseUrl: server.url,
      token: fakeToken(),
      onRequest: (r) => recorded.push(r),
    });
    await expect(http.request({ method: "POST", path, query })).rejects.toBeInstanceOf(RefusedError);
    expect(server.requests).toHaveLength(0);
    expect(recorded).toHaveLength(0);
  });

  it("allows the other secretkeys operations and secrets listing", async () => {
    server = await startServer((_req, res) => json(res, 200, []));
    const http = new HttpTransport({ baseUrl: server.url, token: fakeToken() });
    await http.request({ method: "GET", path: "/v1/apps/a/secrets" });
    await http.request({ method: "POST", path: "/v1/apps/a/secretkeys/decrypt-key/encrypt" });
    expect(server.requests).toHaveLength(2);
  });
});
