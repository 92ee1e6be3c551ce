import { describe, expect, it } from "vitest";
import { URL_PASSWORD, withholdSecretValues } from "../../src/plan/maker-request.js";

/** What of a change request may be kept in a plan and sent to the model: no secret value. */

describe("withholdSecretValues", () => {
  it.each([
    [
      "set DATABASE_URL=postgres://u:p@host/db on my-app",
      "set DATABASE_URL=[REDACTED] on my-app",
      ["DATABASE_URL"],
    ],
    [
      "set API_KEY=\"two words\" and STRIPE_SECRET='sk_live_x' on my-app",
      "set API_KEY=[REDACTED] and STRIPE_SECRET=[REDACTED] on my-app",
      ["API_KEY", "STRIPE_SECRET"],
    ],
    [
      "deploy with --build-secret npm_token=abc123 and --build-secret=gh=xyz",
      "deploy with --build-secret npm_token=[REDACTED] and --build-secret=gh=[REDACTED]",
      ["npm_token", "gh"],
    ],
    [
      "run the migration machine with -e db_url=postgres://x and --env mode=fast",
      "run the migration machine with -e db_url=[REDACTED] and --env mode=[REDACTED]",
      ["db_url", "mode"],
    ],
    [
      "fly secrets set smtp_user=bob -a my-app",
      "fly secrets set smtp_user=[REDACTED] -a my-app",
      ["smtp_user"],
    ],
    ["set the db password=hunter2 for my-app", "set the db password=[REDACTED] for my-app", ["password"]],
    [
      "set DATABASE_URL to postgres://app:hunter2@db.internal:5432/app on my-app",
      "set DATABASE_URL to postgres://app:[REDACTED]@db.internal:5432/app on my-app",
      [URL_PASSWORD],
    ],
  ])("withholds the value in %j", (request, text, withheld) => {
    expect(withholdSecretValues(request)).toEqual({ text, withheld });
  });

  it.each([
    "create a 512MB shared-cpu-1x machine in iad for my-app",
    "scale count=3 for my-app with --app=my-app and -a=my-app",
    "set secret DATABASE_URL on my-app from env DATABASE_URL",
    "add a certificate for https://www.example.com/?page=2 to my-app",
    "set FOO= on my-app",
  ])("leaves a request without a value alone: %j", (request) => {
    expect(withholdSecretValues(request)).toEqual({ text: request, withheld: [] });
  });

  it("is idempotent: a value already withheld is not reported again", () => {
    const once = withholdSecretValues("set A_B=c and x to https://u:pw@h/ on my-app").text;
    expect(once).toBe("set A_B=[REDACTED] and x to https://u:[REDACTED]@h/ on my-app");
    expect(withholdSecretValues(once)).toEqual({ text: once, withheld: [] });
  });
});
