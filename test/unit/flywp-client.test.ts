import { afterEach, describe, expect, it } from "vitest";
import { flyWpApi } from "../../src/flywp/api.js";
import { RequestBudget } from "../../src/flywp/budget.js";
import { FlyWpClient } from "../../src/flywp/client.js";
import { FlyWpApiError, FlyWpNetworkError } from "../../src/flywp/errors.js";
import { closedPort } from "../support/closed-port.js";
import { fakeToken, json, recordingClock, startServer, type TestServer } from "./http-server-fixture.js";

/** FlyWP's client against scripted loopback answers: pacing, retries by idempotency, typed errors. */

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const TOKEN = fakeToken("fwp_");

function clientFor(url: string, clock = recordingClock()) {
  const budget = new RequestBudget({ clock });
  return {
    api: flyWpApi(new FlyWpClient({ baseUrl: url, token: TOKEN, clock, budget, random: () => 0.5 })),
    clock,
    budget,
  };
}

describe("FlyWP's client", () => {
  it("sends the token as Bearer, JSON, and reads {data} answers", async () => {
    server = await startServer((_req, res) => json(res, 200, { data: [{ id: 1, name: "web-1" }] }));
    const { api } = clientFor(server.url);
    expect(await api.listServers()).toEqual([{ id: 1, name: "web-1" }]);
    expect(server.requests[0]).toMatchObject({ method: "GET", url: "/servers" });
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(server.requests[0]?.headers.accept).toBe("application/json");
  });

  it("shows the 422's errors field by field, as a typed error", async () => {
    server = await startServer((_req, res) =>
      json(res, 422, {
        message: "The domain has already been taken.",
        errors: {
          domain: ["The domain has already been taken."],
          php_version: ["The php version is invalid."],
        },
      }),
    );
    const { api } = clientFor(server.url);
    const error = await api.createSite(1, { domain: "blog.example.com" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlyWpApiError);
    const typed = error as FlyWpApiError;
    expect(typed.status).toBe(422);
    expect(typed.fieldErrors).toEqual({
      domain: ["The domain has already been taken."],
      php_version: ["The php version is invalid."],
    });
    expect(typed.message).toBe(
      "FlyWP API refused POST /servers/1/sites (422): domain: The domain has already been taken.; php_version: The php version is invalid.",
    );
    expect(typed.hint).toContain("fix the fields");
    expect(server.requests).toHaveLength(1);
  });

  it("retries a read on 503, never a create (it may have been made)", async () => {
    server = await startServer((req, res, index) =>
      index === 0 || req.method === "POST"
        ? json(res, 503, { message: "busy" })
        : json(res, 200, { data: [] }),
    );
    const { api } = clientFor(server.url);
    expect(await api.listCrons(3)).toEqual([]);
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "GET"]);
    const error = await api.createCron(3, { command: "x", frequency: "0 0 * * *" }).catch((e: unknown) => e);
    expect((error as FlyWpApiError).status).toBe(503);
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "GET", "POST"]);
  });

  it("sends a create again after a 429 (FlyWP refused it unseen), waiting as Retry-After says", async () => {
    server = await startServer((_req, res, index) =>
      index === 0
        ? json(res, 429, { message: "Too Many Attempts." }, { "retry-after": "7" })
        : json(res, 201, { data: { id: 9, site_id: 11, status: "completed" } }),
    );
    const { api, clock } = clientFor(server.url);
    expect(await api.triggerBackup(11, {})).toMatchObject({ id: 9 });
    expect(server.requests.map((r) => r.method)).toEqual(["POST", "POST"]);
    expect(clock.sleeps.some((ms) => ms >= 7000)).toBe(true);
  });

  it("waits for the window when the headers say nothing is left, and only then sends", async () => {
    let remaining = 2;
    server = await startServer((_req, res) => {
      remaining = Math.max(0, remaining - 1);
      json(res, 200, { data: [] }, { "x-ratelimit-limit": "2", "x-ratelimit-remaining": String(remaining) });
    });
    const { api, clock, budget } = clientFor(server.url);
    await api.listSites(1);
    await api.listSites(1);
    expect(clock.sleeps).toEqual([]);
    await api.listSites(1);
    expect(budget.paced).toBe(1);
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.sleeps[0]).toBeGreaterThan(59_000);
    expect(server.requests).toHaveLength(3);
  });

  it("keeps the token out of an error that echoes it", async () => {
    server = await startServer((req, res) =>
      json(res, 401, { message: `bad token ${req.headers.authorization ?? ""}` }),
    );
    const { api } = clientFor(server.url);
    const error = (await api.listServers().catch((e: unknown) => e)) as FlyWpApiError;
    expect(error.status).toBe(401);
    expect(error.message).toContain("[REDACTED]");
    expect(error.message).not.toContain(TOKEN);
    expect(error.hint).toContain("FLYWP_API_TOKEN");
  });

  it("says FlyWP could not be reached, naming FLYWP_API_URL, when nothing listens", async () => {
    const { api } = clientFor(`http://127.0.0.1:${await closedPort()}`);
    const error = await api.listServers().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlyWpNetworkError);
    expect((error as FlyWpNetworkError).hint).toContain("FLYWP_API_URL");
  });
});
