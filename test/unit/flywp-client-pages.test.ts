import { afterEach, describe, expect, it } from "vitest";
import { flyWpApi } from "../../src/flywp/api.js";
import { RequestBudget } from "../../src/flywp/budget.js";
import { FlyWpClient, MAX_PAGES } from "../../src/flywp/client.js";
import { FlyWpApiError, FlyWpIncompleteError } from "../../src/flywp/errors.js";
import { fakeToken, json, recordingClock, startServer, type TestServer } from "./http-server-fixture.js";

/** Listings read whole or not at all, and a 422's fields shown safely, against scripted loopback answers. */

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function apiFor(url: string) {
  const clock = recordingClock();
  return flyWpApi(
    new FlyWpClient({ baseUrl: url, token: fakeToken("fwp_"), clock, budget: new RequestBudget({ clock }) }),
  );
}

/** A Laravel-style page of `pages`, two records each. */
function pageAnswer(url: string, pages: number) {
  const page = Number(/[?&]page=(\d+)/.exec(url)?.[1] ?? "1");
  return {
    data: [{ id: page * 10 + 1 }, { id: page * 10 + 2 }],
    meta: { current_page: page, last_page: pages, per_page: 2, total: pages * 2 },
    links: { next: page < pages ? `https://elsewhere.example/servers?page=${page + 1}` : null },
  };
}

describe("FlyWP's paginated listings", () => {
  it("follows every page with ?page=N on its own origin, so a count is the whole count", async () => {
    server = await startServer((req, res) => json(res, 200, pageAnswer(req.url ?? "", 3)));
    const servers = await apiFor(server.url).listServers();
    expect(servers.map((s) => s.id)).toEqual([11, 12, 21, 22, 31, 32]);
    expect(server.requests.map((r) => r.url)).toEqual(["/servers", "/servers?page=2", "/servers?page=3"]);
  });

  it("refuses a listing longer than it reads rather than present its first pages as the whole", async () => {
    server = await startServer((req, res) => json(res, 200, pageAnswer(req.url ?? "", MAX_PAGES + 1)));
    const error = await apiFor(server.url)
      .listCrons(3)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlyWpIncompleteError);
    expect(server.requests).toHaveLength(MAX_PAGES);
  });
});

describe("a 422's errors field", () => {
  it("renders field names and texts terminal-safe, few and short", async () => {
    const errors: Record<string, string[]> = { "dom\u001b[31main": ["bad\u0007 value"] };
    for (let i = 0; i < 30; i++) errors[`field_${i}`] = ["x".repeat(1000), "y", "z", "w"];
    server = await startServer((_req, res) => json(res, 422, { message: "invalid", errors }));
    const error = (await apiFor(server.url)
      .createSite(1, { domain: "a.example" })
      .catch((e: unknown) => e)) as FlyWpApiError;
    expect(error).toBeInstanceOf(FlyWpApiError);
    expect(error.message).not.toContain("\u001b");
    expect(error.message).not.toContain("\u0007");
    expect(Object.keys(error.fieldErrors).length).toBeLessThanOrEqual(11);
    expect(error.message).toContain("more field(s)");
    expect(error.message.length).toBeLessThan(8000);
  });
});
