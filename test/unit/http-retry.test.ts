import { afterEach, describe, expect, it } from "vitest";
import { FlyApiError, FlyNetworkError } from "../../src/fly/errors.js";
import { HttpTransport, type HttpTransportOptions } from "../../src/fly/http.js";
import { FlyRest } from "../../src/fly/rest.js";
import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter } from "../../src/fly/retry.js";
import {
  fakeToken,
  json,
  recordingClock,
  startServer,
  type Handler,
  type TestServer,
} from "./http-server-fixture.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(handler: Handler, options: Partial<HttpTransportOptions> = {}) {
  server = await startServer(handler);
  const clock = recordingClock();
  const http = new HttpTransport({
    baseUrl: server.url,
    token: fakeToken(),
    clock,
    random: () => 0.5,
    ...options,
  });
  return { http, clock, requests: server.requests };
}

describe("retries", () => {
  it("retries a 429 after the Retry-After seconds the server asked for", async () => {
    const { http, clock, requests } = await setup((_req, res, i) => {
      if (i === 0) json(res, 429, { error: "rate limited" }, { "retry-after": "7" });
      else json(res, 200, { ok: true });
    });
    await expect(http.request({ method: "GET", path: "/v1/apps/a" })).resolves.toEqual({ ok: true });
    expect(requests).toHaveLength(2);
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(7000);
    expect(clock.sleeps[0]).toBeLessThan(7000 + DEFAULT_RETRY_POLICY.baseDelayMs);
  });

  it("honours Retry-After given as an HTTP date", () => {
    const date = new Date(Date.now() + 120_000).toUTCString();
    const ms = parseRetryAfter(date);
    expect(ms).toBeGreaterThan(100_000);
    expect(ms).toBeLessThanOrEqual(120_000);
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(new Date(0).toUTCString())).toBe(0);
  });

  it("retries a 503 on GET with growing, jittered backoff, then succeeds", async () => {
    const { http, clock, requests } = await setup((_req, res, i) => {
      if (i < 3) json(res, 503, { error: "upstream unavailable" });
      else json(res, 200, [1, 2]);
    });
    await expect(http.request({ method: "GET", path: "/v1/apps" })).resolves.toEqual([1, 2]);
    expect(requests).toHaveLength(4);
    // random() = 0.5 puts each wait in the middle of its exponential window.
    expect(clock.sleeps).toEqual([125, 250, 500]);
  });

  it("gives up after maxRetries and throws the last FlyApiError", async () => {
    const { http, requests } = await setup((_req, res) => json(res, 502, { error: "bad gateway" }), {
      maxRetries: 2,
    });
    const error = await http
      .request({ method: "DELETE", path: "/v1/apps/a/machines/m" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlyApiError);
    expect((error as FlyApiError).status).toBe(502);
    expect(requests).toHaveLength(3);
  });

  it("does not wait out a Retry-After longer than the policy allows", async () => {
    const { http, requests } = await setup((_req, res) =>
      json(res, 429, { error: "slow down" }, { "retry-after": "3600" }),
    );
    const error = await http.request({ method: "GET", path: "/v1/apps" }).catch((e: unknown) => e);
    expect((error as FlyApiError).status).toBe(429);
    expect((error as FlyApiError).retryAfterMs).toBe(3_600_000);
    expect(requests).toHaveLength(1);
  });

  it("retries a GET whose connection was reset", async () => {
    const { http, requests } = await setup((req, res, i) => {
      if (i === 0) req.socket.resetAndDestroy();
      else json(res, 200, { id: "m1" });
    });
    await expect(http.request({ method: "GET", path: "/v1/apps/a/machines/m1" })).resolves.toEqual({
      id: "m1",
    });
    expect(requests).toHaveLength(2);
  });

  it("does not retry a POST whose connection was reset: it may have acted", async () => {
    const { http, requests } = await setup((req) => req.socket.resetAndDestroy());
    const error = await http
      .request({ method: "POST", path: "/v1/apps/a/machines", body: { region: "iad" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlyNetworkError);
    expect((error as FlyNetworkError).message).toContain("/v1/apps/a/machines");
    expect(requests).toHaveLength(1);
  });

  it("does not retry a POST that got a 503", async () => {
    const { http, requests } = await setup((_req, res) => json(res, 503, { error: "try later" }));
    await expect(http.request({ method: "POST", path: "/v1/apps/a/machines/m/stop" })).rejects.toBeInstanceOf(
      FlyApiError,
    );
    expect(requests).toHaveLength(1);
  });

  it("retries a POST refused with 429, since Fly refused it before acting", async () => {
    const { http, requests } = await setup((_req, res, i) => {
      if (i === 0) json(res, 429, { error: "rate limited" }, { "retry-after": "1" });
      else json(res, 200, { ok: true });
    });
    await expect(http.request({ method: "POST", path: "/v1/apps/a/machines/m/stop" })).resolves.toEqual({
      ok: true,
    });
    expect(requests).toHaveLength(2);
  });

  it("retries a POST marked idempotent like a GET", async () => {
    const { http, requests } = await setup((_req, res, i) =>
      i === 0 ? json(res, 500, {}) : json(res, 200, {}),
    );
    await http.request({ method: "POST", path: "/graphql", idempotent: true });
    expect(requests).toHaveLength(2);
  });

  it("does not retry a 4xx other than 429", async () => {
    const { http, requests } = await setup((_req, res) => json(res, 404, { error: "app not found" }));
    await expect(http.request({ method: "GET", path: "/v1/apps/nope" })).rejects.toMatchObject({
      status: 404,
    });
    expect(requests).toHaveLength(1);
  });
});

describe("a retry that finds its own earlier work", () => {
  it("takes a 404 to a resent DELETE as success: the lost first attempt deleted it", async () => {
    let deleted = false;
    const { http, requests } = await setup((req, res) => {
      if (!deleted) {
        deleted = true; // Fly acts, then the answer is lost.
        req.socket.resetAndDestroy();
      } else json(res, 404, { error: "machine not found" });
    });
    await expect(
      http.request({ method: "DELETE", path: "/v1/apps/a/machines/m1", goneOnRetry: true }),
    ).resolves.toBeUndefined();
    expect(requests).toHaveLength(2);
  });

  it("fails a resent DELETE answered 404 unless the caller read the thing first and opted in", async () => {
    // The 503 may have acted, or the id may never have existed: only the caller's read can tell.
    const { http, requests } = await setup((_req, res, i) =>
      i === 0 ? json(res, 503, { error: "unavailable" }) : json(res, 404, { error: "machine not found" }),
    );
    await expect(
      http.request({ method: "DELETE", path: "/v1/apps/a/machines/0000000000beef" }),
    ).rejects.toMatchObject({ status: 404 });
    expect(requests).toHaveLength(2);
  });

  it("still fails a DELETE whose first answer was a 404, or whose earlier attempt cannot have acted", async () => {
    const first = await setup((_req, res) => json(res, 404, { error: "machine not found" }));
    await expect(
      first.http.request({ method: "DELETE", path: "/v1/apps/a/machines/m1" }),
    ).rejects.toMatchObject({ status: 404 });
    await server?.close();
    // A 429 is Fly's limiter refusing before any handler ran: a 404 after it is a real 404.
    const refused = await setup((_req, res, i) =>
      i === 0 ? json(res, 429, { error: "slow down" }, { "retry-after": "0" }) : json(res, 404, {}),
    );
    await expect(
      refused.http.request({ method: "DELETE", path: "/v1/apps/a/volumes/v1" }),
    ).rejects.toMatchObject({ status: 404 });
    expect(refused.requests).toHaveLength(2);
  });

  it("re-reads a volume before resending an extend whose answer was lost, instead of meeting Fly's 400", async () => {
    let size = 3;
    const { http, requests } = await setup((req, res) => {
      if (req.method === "PUT" && size === 3) {
        size = 5; // Fly grows the volume, then the answer is lost.
        req.socket.resetAndDestroy();
      } else if (req.method === "PUT") {
        json(res, 400, { error: `invalid size_gb: a volume can only grow, and it is ${size} GB now` });
      } else json(res, 200, { id: "vol_1pg7r2m9x4kq8dzw", size_gb: size, state: "created" });
    });
    const result = await new FlyRest(http).extendVolume("a", "vol_1pg7r2m9x4kq8dzw", 5);
    expect(result).toMatchObject({ volume: { id: "vol_1pg7r2m9x4kq8dzw", size_gb: 5 } });
    expect(result.needs_restart).toBeUndefined();
    expect(requests.map((r) => r.method)).toEqual(["PUT", "GET"]);
  });

  it("resends an extend when the re-read shows the volume has not grown", async () => {
    let puts = 0;
    const { http, requests } = await setup((req, res) => {
      if (req.method === "PUT" && ++puts === 1) json(res, 503, { error: "try again" });
      else if (req.method === "PUT")
        json(res, 200, { needs_restart: true, volume: { id: "vol_1pg7r2m9x4kq8dzw", size_gb: 5 } });
      else json(res, 200, { id: "vol_1pg7r2m9x4kq8dzw", size_gb: 3 });
    });
    await expect(new FlyRest(http).extendVolume("a", "vol_1pg7r2m9x4kq8dzw", 5)).resolves.toMatchObject({
      needs_restart: true,
    });
    expect(requests.map((r) => r.method)).toEqual(["PUT", "GET", "PUT"]);
  });
});

describe("timeouts and aborts", () => {
  it("turns a server that never answers into a FlyNetworkError naming the URL", async () => {
    const { http } = await setup(() => undefined, { timeoutMs: 50, maxRetries: 0 });
    const error = await http.request({ method: "GET", path: "/v1/apps/slow" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlyNetworkError);
    const network = error as FlyNetworkError;
    expect(network.timedOut).toBe(true);
    expect(network.url).toBe(`${server?.url}/v1/apps/slow`);
    expect(network.message).toContain("/v1/apps/slow");
  });

  it("retries a timed-out GET", async () => {
    const { http, requests } = await setup((_req, res, i) => (i === 0 ? undefined : json(res, 200, "late")));
    // The retry must beat the same timeout the first try ran out of: a second leaves room for a busy
    // machine's loopback round trip (at 50 ms the retry itself timed out under load).
    await expect(http.request({ method: "GET", path: "/v1/x", timeoutMs: 1000 })).resolves.toBe("late");
    expect(requests).toHaveLength(2);
  });

  it("takes the per-call timeout over the default, shorter or longer", async () => {
    // Shorter: a server that never answers ends the call at 50 ms, not the default minute.
    const slow = await setup(() => undefined, { timeoutMs: 60_000, maxRetries: 0 });
    const error = await slow.http
      .request({ method: "GET", path: "/v1/x", timeoutMs: 50 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ timedOut: true });
    await server?.close();
    // Longer: an answer 20 ms late arrives within the call's minute. Under the 1 ms default the
    // timer would fire first whatever the load: it is set before the request reaches the server,
    // which only then starts its 20 ms.
    const late = await setup((_req, res) => void setTimeout(() => json(res, 200, "late"), 20), {
      timeoutMs: 1,
      maxRetries: 0,
    });
    await expect(late.http.request({ method: "GET", path: "/v1/x", timeoutMs: 60_000 })).resolves.toBe(
      "late",
    );
    expect(late.requests).toHaveLength(1);
  });

  it("passes the caller's abort through untouched and does not retry", async () => {
    const controller = new AbortController();
    const { http, requests } = await setup(() => controller.abort(new Error("stopped by user")));
    await expect(
      http.request({ method: "GET", path: "/v1/apps", signal: controller.signal }),
    ).rejects.toThrow("stopped by user");
    expect(requests).toHaveLength(1);
  });

  it("reports a refused connection as a FlyNetworkError", async () => {
    const { http } = await setup(() => undefined, { maxRetries: 0 });
    await server?.close();
    const url = server?.url ?? "";
    server = undefined;
    const error = await http.request({ method: "GET", path: "/v1/apps" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlyNetworkError);
    expect((error as FlyNetworkError).message).toContain(`${url}/v1/apps`);
    expect((error as FlyNetworkError).timedOut).toBe(false);
  });
});

describe("backoffDelay", () => {
  it("caps the exponential window at maxDelayMs", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(0, policy, undefined, () => 0.999)).toBe(99);
    expect(backoffDelay(10, policy, undefined, () => 0.999)).toBe(999);
    expect(backoffDelay(3, policy, 5000, () => 0)).toBe(5000);
  });
});
