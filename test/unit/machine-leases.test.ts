import { afterEach, describe, expect, it } from "vitest";
import { countingChanges } from "../../src/fly/change-tracker.js";
import { HttpTransport } from "../../src/fly/http.js";
import { LEASE_NONCE_HEADER, MachineLeasedError } from "../../src/fly/leases.js";
import { FlyRest } from "../../src/fly/rest.js";
import { fakeToken, json, recordingClock, startServer, type TestServer } from "./http-server-fixture.js";

/**
 * The client's side of leases (src/fly/leases.ts): a machine someone else holds is a
 * MachineLeasedError naming the holder and the expiry, and nothing is sent to the machine.
 */

const PATH = "/v1/apps/demo-web/machines/148e272b0e4d89";
const HELD =
  "machine ID 148e272b0e4d89 lease currently held by lee@example.com, expires at 2026-12-07T09:30:00Z";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function rest(url: string): FlyRest {
  return new FlyRest(
    new HttpTransport({ baseUrl: url, token: fakeToken(), clock: recordingClock(), maxRetries: 0 }),
  );
}

describe("a machine leased by someone else", () => {
  it("is a MachineLeasedError with the holder, expiry and reason Fly's lease shows; no change is sent", async () => {
    server = await startServer((req, res) => {
      if (req.method === "POST" && req.url === `${PATH}/lease`) return json(res, 409, { error: HELD });
      if (req.method === "GET" && req.url === `${PATH}/lease`)
        return json(res, 200, {
          status: "success",
          data: {
            nonce: "aaaaaaaaaaaa",
            expires_at: 1796635800,
            owner: "lee@example.com",
            description: "fly deploy",
          },
        });
      return json(res, 500, { error: "unexpected" });
    });
    const counter = { sent: 0 };
    const error = await countingChanges(counter, () =>
      rest(server?.url ?? "").stopMachine("demo-web", "148e272b0e4d89"),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MachineLeasedError);
    const leased = error as MachineLeasedError;
    expect(leased.holder).toEqual({
      owner: "lee@example.com",
      expiresAt: 1796635800,
      description: "fly deploy",
    });
    expect(leased.message).toBe(
      'machine 148e272b0e4d89 of demo-web is leased by lee@example.com until 2026-12-07T09:30:00Z ("fly deploy"); nothing was changed',
    );
    expect(leased.hint).toContain("fly machine leases view 148e272b0e4d89 -a demo-web");
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `POST ${PATH}/lease`,
      `GET ${PATH}/lease`,
    ]);
    // Taking a lease is no change: the applier knows the step changed nothing.
    expect(counter.sent).toBe(0);
  });

  it("reads the holder from Fly's refusal when the lease cannot be read back", async () => {
    server = await startServer((req, res) =>
      req.method === "POST" ? json(res, 409, { error: HELD }) : json(res, 404, { error: "lease not found" }),
    );
    const error = (await rest(server.url)
      .restartMachine("demo-web", "148e272b0e4d89")
      .catch((e: unknown) => e)) as MachineLeasedError;
    expect(error).toBeInstanceOf(MachineLeasedError);
    expect(error.holder).toMatchObject({ owner: "lee@example.com", expiresAt: 1796635800 });
  });
});

describe("a machine change under flyops' own lease", () => {
  it("sends the nonce, counts the change, and releases the lease even when the change fails", async () => {
    server = await startServer((req, res) => {
      if (req.url === `${PATH}/lease`)
        return req.method === "POST"
          ? json(res, 201, { status: "success", data: { nonce: "5c35f65c9f95", expires_at: 1 } })
          : json(res, 200, { status: "success", data: { ok: true } });
      return json(res, 412, {
        error: "failed_precondition: unable to start machine from current state: 'started'",
      });
    });
    const counter = { sent: 0 };
    await expect(
      countingChanges(counter, () => rest(server?.url ?? "").startMachine("demo-web", "148e272b0e4d89")),
    ).rejects.toMatchObject({ status: 412 });
    const seen = server.requests.map(
      (r) => `${r.method} ${r.url} ${String(r.headers[LEASE_NONCE_HEADER] ?? "-")}`,
    );
    expect(seen).toEqual([
      `POST ${PATH}/lease -`,
      `POST ${PATH}/start 5c35f65c9f95`,
      `DELETE ${PATH}/lease 5c35f65c9f95`,
    ]);
    expect(counter.sent).toBe(1);
  });
});
