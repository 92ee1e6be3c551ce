import { describe, expect, it } from "vitest";
import { redactLogLine } from "../../src/security/log-lines.js";

// Fakes assembled at run time: nothing token-shaped sits in the repository.
const flyToken = "fo1_" + "k9Lm".repeat(10);
const stripe = "sk_live_" + "x7Y".repeat(8);
const github = "ghp_" + "Ab1".repeat(12);
const jwt = ["eyJ" + "hbGciOi".repeat(3), "eyJ" + "zdWIiOi".repeat(3), "c2lnbmF0dXJl".repeat(2)].join(".");
const random = "Q2x9" + "v7Rk".repeat(6);

describe("redactLogLine", () => {
  it.each([
    ["a Fly token", `deploy token ${flyToken} loaded`, flyToken],
    ["a bearer credential", `sent Authorization: Bearer ${random}`, random],
    ["a URL password", `db at postgres://app:${random}@db.internal/app`, random],
    ["a secret-sounding NAME=VALUE", "SESSION_SECRET=hunter2isnotgood booted", "hunter2isnotgood"],
    ["a random value under any name", `trace=${random} ok`, random],
    ["a JSON field with a secret-sounding name", `{"password":"opensesame","user":"bob"}`, "opensesame"],
    ["a YAML-style field", "api_key: opensesame", "opensesame"],
    ["a Stripe key standing alone", `charging with ${stripe}`, stripe],
    ["a GitHub token standing alone", `clone with ${github}`, github],
    ["a JWT standing alone", `session ${jwt} accepted`, jwt],
  ])("withholds %s", (_what, line, secret) => {
    const out = redactLogLine(line);
    expect(out).not.toContain(secret);
    expect(out).toContain("[REDACTED]");
  });

  it.each([
    "GET /api/items 200 in 38ms",
    "Pulling container image registry.fly.io/acme-api:deployment-01JB7Q4X9Z2K5M8N1P3R6T0V2W",
    "listening on 0.0.0.0:3000",
    "[PC01] instance refused connection. is your app listening on 0.0.0.0:3000?",
    "machine 5683d920b1e48e exited with code 137",
    "LOG_LEVEL=info WORKERS=4",
  ])("keeps an ordinary line as it is: %s", (line) => {
    expect(redactLogLine(line)).toBe(line);
  });
});
