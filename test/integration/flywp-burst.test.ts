import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { flyWpApi } from "../../src/flywp/api.js";
import { FLYWP_LIMIT, FLYWP_WINDOW_MS, RequestBudget } from "../../src/flywp/budget.js";
import { FlyWpClient } from "../../src/flywp/client.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";

/**
 * FlyWP allows 60 requests a minute per token and answers 429 beyond. A burst of 100 reads
 * through flyops's client meets no 429: the client paces itself from the X-RateLimit headers.
 * The sandbox counts the 429s it sends. The window is shortened here (the limit stays 60), so
 * the test waits a second or two instead of a minute; nothing is timed.
 */

const WINDOW_MS = 2000;
let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(): Promise<Sandbox> {
  sandbox = await startSandbox({ port: 0, flywp: { windowMs: WINDOW_MS } });
  return sandbox;
}

/** A client that believes the budget is `limit` until FlyWP's headers say otherwise. */
function client(s: Sandbox, limit?: number): { api: ReturnType<typeof flyWpApi>; budget: RequestBudget } {
  const budget = new RequestBudget({ windowMs: WINDOW_MS, ...(limit === undefined ? {} : { limit }) });
  return { api: flyWpApi(new FlyWpClient({ baseUrl: s.flywpUrl, token: s.flywp.token, budget })), budget };
}

/** 100 reads over every listing: servers, then each server's and site's things, round and round. */
function reads(api: ReturnType<typeof flyWpApi>): (() => Promise<unknown>)[] {
  const kinds = [
    () => api.listServers(),
    () => api.getServer(1),
    () => api.listSites(1),
    () => api.listDatabases(3),
    () => api.listSshKeys(1),
    () => api.listCrons(3),
    () => api.listBackups(11),
  ];
  return Array.from({ length: 100 }, (_, i) => kinds[i % kinds.length] ?? kinds[0]!);
}

describe("a burst of 100 FlyWP reads", () => {
  it("is refused beyond 60 when nothing paces it: the sandbox enforces the limit", async () => {
    const s = await start();
    const statuses = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const res = await request(`${s.flywpUrl}/servers`, {
          headers: { authorization: `Bearer ${s.flywp.token}` },
        });
        await res.body.text();
        return res.statusCode;
      }),
    );
    expect(statuses.filter((c) => c === 429).length).toBeGreaterThan(0);
    expect(s.flywp.stats.tooMany).toBe(statuses.filter((c) => c === 429).length);
  });

  it("one after another through the client: 100 answers, 0 × 429, paced by the headers", async () => {
    const s = await start();
    // It starts out believing in 1000 a window: only FlyWP's headers can make it wait.
    const { api, budget } = client(s, 1000);
    for (const read of reads(api)) await read();
    expect(s.flywp.stats.requests).toBe(100);
    expect(s.flywp.stats.tooMany).toBe(0);
    expect(budget.paced).toBeGreaterThan(0);
  });

  it("all at once through the client: 100 answers, 0 × 429", async () => {
    const s = await start();
    const { api, budget } = client(s);
    const results = await Promise.all(reads(api).map((read) => read()));
    expect(results).toHaveLength(100);
    expect(s.flywp.stats.requests).toBe(100);
    expect(s.flywp.stats.tooMany).toBe(0);
    expect(budget.paced).toBeGreaterThan(0);
  });

  it("FlyWP's published limit is the default of both sides: 60 a minute, with its headers", async () => {
    expect([FLYWP_LIMIT, FLYWP_WINDOW_MS]).toEqual([60, 60_000]);
    sandbox = await startSandbox({ port: 0 });
    const res = await request(`${sandbox.flywpUrl}/servers`, {
      headers: { authorization: `Bearer ${sandbox.flywp.token}` },
    });
    await res.body.text();
    expect(res.headers["x-ratelimit-limit"]).toBe("60");
    expect(res.headers["x-ratelimit-remaining"]).toBe("59");
  });
});
