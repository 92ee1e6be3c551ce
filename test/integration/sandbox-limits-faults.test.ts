import { afterEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox, type SandboxOptions } from "../../src/sandbox/index.js";
import { ServerRateLimiter } from "../../src/sandbox/rate-limit.js";
import { obj, sandboxClient, type Call } from "./sandbox-http.js";

const opened: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

async function start(options: SandboxOptions): Promise<{ sb: Sandbox; call: Call }> {
  const sb = await startSandbox(options);
  opened.push(sb);
  return { sb, call: sandboxClient(sb.url) };
}

/** The status of a request, or "drop" when the connection was cut before any answer. */
async function outcome(call: Call, method: string, path: string): Promise<number | "drop"> {
  try {
    return (await call(method, path)).status;
  } catch {
    return "drop";
  }
}

describe("sandbox rate limits", () => {
  it("refills Fly's buckets: 1 req/s with bursts of 3, Get Machine 5 req/s with bursts of 10", () => {
    let now = 0;
    const limiter = new ServerRateLimiter(() => now);
    const burst = (action: string, n: number): boolean[] =>
      Array.from({ length: n }, () => limiter.take(action, "k").allowed);
    expect(burst("machines_stop", 4)).toEqual([true, true, true, false]);
    expect(limiter.take("machines_stop", "other-machine").allowed).toBe(true);
    now += 1000;
    expect(burst("machines_stop", 2)).toEqual([true, false]);
    expect(burst("machines_get", 11)).toEqual([...Array<boolean>(10).fill(true), false]);
    now += 200;
    expect(burst("machines_get", 2)).toEqual([true, false]);
    const refused = limiter.take("machines_stop", "k");
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it("answers a burst beyond the limit with 429 and Retry-After", async () => {
    const { call } = await start({});
    const replies = await Promise.all(Array.from({ length: 8 }, () => call("GET", "/v1/apps/demo-web")));
    const limited = replies.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    for (const reply of limited) {
      expect(Number(reply.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(obj(reply.json).error).toMatch(/rate limit/);
    }
    // Other apps have buckets of their own.
    expect((await call("GET", "/v1/apps/acme-api")).status).toBe(200);
  });

  it("can be switched off for scale tests", async () => {
    const { call } = await start({ rateLimits: false });
    const replies = await Promise.all(Array.from({ length: 20 }, () => call("GET", "/v1/apps/demo-web")));
    expect(replies.every((r) => r.status === 200)).toBe(true);
  });
});

describe("sandbox fault injection", () => {
  it("repeats the same faults for the same seed and request sequence", async () => {
    const runs: (number | "drop")[][] = [];
    for (let run = 0; run < 2; run++) {
      const { call } = await start({ faultRate: 0.5, faultSeed: 7, rateLimits: false });
      const seen: (number | "drop")[] = [];
      for (let i = 0; i < 40; i++) seen.push(await outcome(call, "GET", "/v1/apps?org_slug=personal"));
      runs.push(seen);
    }
    expect(runs[0]).toEqual(runs[1]);
    const kinds = new Set(runs[0]);
    expect(kinds.has(200)).toBe(true);
    expect([...kinds].filter((k) => k !== 200).length).toBeGreaterThanOrEqual(3);
  });

  it("answers an injected 429 with Retry-After 0 so retrying clients stay fast", async () => {
    const { call } = await start({ faultRate: 1, faultSeed: 3, rateLimits: false });
    for (let i = 0; i < 40; i++) {
      const reply = await call("GET", "/v1/platform/regions").catch(() => undefined);
      if (reply?.status === 429) {
        expect(reply.headers.get("retry-after")).toBe("0");
        return;
      }
    }
    throw new Error("no injected 429 in 40 faulted requests");
  });

  it("fails a write before it changes anything", async () => {
    const { sb, call } = await start({ faultRate: 1, rateLimits: false });
    const outcomes = [];
    for (let i = 0; i < 10; i++)
      outcomes.push(await outcome(call, "POST", "/v1/apps/demo-web/machines/148e272b0e4d89/stop"));
    expect(outcomes.every((o) => o !== 200)).toBe(true);
    expect(sb.store.machine("148e272b0e4d89")?.state).toBe("started");
  });

  it("delays requests with --latency and still answers them", async () => {
    const { call } = await start({ latencyMs: 20, rateLimits: false });
    expect((await call("GET", "/v1/apps/demo-web")).status).toBe(200);
  });
});
