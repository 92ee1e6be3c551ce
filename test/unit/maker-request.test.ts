import { describe, expect, it } from "vitest";
import { URL_PASSWORD, withholdSecretValues, withheldNote } from "../../src/security/withhold-secrets.js";

/** What of a change request or a question may be kept and sent to the model: no secret value. */

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
      "set url to postgres://app:hunter2@db.internal:5432/app on my-app",
      "set url to postgres://app:[REDACTED]@db.internal:5432/app on my-app",
      [URL_PASSWORD],
    ],
    // (a) "about secrets" holds for its own clause only; numbers, sizes and catalog fields are kept.
    [
      "set secret API_URL=https://api.example.com from env and scale count=3",
      "set secret API_URL=[REDACTED] from env and scale count=3",
      ["API_URL"],
    ],
    [
      "fly secrets set LOG_LEVEL=debug and MODE=fast",
      "fly secrets set LOG_LEVEL=[REDACTED] and MODE=[REDACTED]",
      ["LOG_LEVEL", "MODE"],
    ],
    ["set PIN=1234 on my-app", "set PIN=[REDACTED] on my-app", ["PIN"]],
    ["fly secrets set RETRIES=3 -a my-app", "fly secrets set RETRIES=[REDACTED] -a my-app", ["RETRIES"]],
    ["set secret API_TOKEN=1234", "set secret API_TOKEN=[REDACTED]", ["API_TOKEN"]],
    // (b) UPPER_SNAKE values are withheld when the name sounds secret or the value looks secret.
    ["set SESSION_SALT=abc on my-app", "set SESSION_SALT=[REDACTED] on my-app", ["SESSION_SALT"]],
    ["set DB_PWD=abc on my-app", "set DB_PWD=[REDACTED] on my-app", ["DB_PWD"]],
    ["set SENTRY_DSN=abc on my-app", "set SENTRY_DSN=[REDACTED] on my-app", ["SENTRY_DSN"]],
    ["set GCP_CREDENTIALS=abc on my-app", "set GCP_CREDENTIALS=[REDACTED] on my-app", ["GCP_CREDENTIALS"]],
    ["set JWT_PRIVATE=abc on my-app", "set JWT_PRIVATE=[REDACTED] on my-app", ["JWT_PRIVATE"]],
    ["set UPSTREAM=a8f3c9e1b7d24f6a9c0e on my-app", "set UPSTREAM=[REDACTED] on my-app", ["UPSTREAM"]],
    ["set CACHE=redis://default:pw@cache:6379 on my-app", "set CACHE=[REDACTED] on my-app", ["CACHE"]],
    ["set SLACK=xoxb-123-abc on my-app", "set SLACK=[REDACTED] on my-app", ["SLACK"]],
    // (c) spaces around "=", and "NAME to VALUE" for a secret-sounding name.
    ["set API_KEY = s3cr3tvalue on my-app", "set API_KEY = [REDACTED] on my-app", ["API_KEY"]],
    ["set API_KEY =s3cr3tvalue on my-app", "set API_KEY =[REDACTED] on my-app", ["API_KEY"]],
    ["set STRIPE_KEY to sk_live_abc123 on my-app", "set STRIPE_KEY to [REDACTED] on my-app", ["STRIPE_KEY"]],
    [
      "set DATABASE_URL to postgres://app:hunter2@db.internal:5432/app on my-app",
      "set DATABASE_URL to [REDACTED] on my-app",
      ["DATABASE_URL"],
    ],
    // (d) adjacent quoted and unquoted pieces are one value.
    ['set API_KEY="abc"def on my-app', "set API_KEY=[REDACTED] on my-app", ["API_KEY"]],
    ["set API_KEY=abc'def ghi' on my-app", "set API_KEY=[REDACTED] on my-app", ["API_KEY"]],
  ])("withholds the value in %j", (request, text, withheld) => {
    expect(withholdSecretValues(request)).toEqual({ text, withheld });
  });

  it.each([
    "create a 512MB shared-cpu-1x machine in iad for my-app",
    "scale count=3 for my-app with --app=my-app and -a=my-app",
    "set secret DATABASE_URL on my-app from env DATABASE_URL",
    "add a certificate for https://www.example.com/?page=2 to my-app",
    "set FOO= on my-app",
    // (a) a secret elsewhere in the request does not make these values secret.
    "set secret API_URL from env and scale count=3",
    "set secret API_URL from env and set memory=1024",
    "set secret API_URL from env, then create a volume size=10",
    "set secrets from env; scale memory_mb=2048 cpus=2 region=iad image=nginx:1 app=my-app name=web",
    "fly secrets set count=3 memory=512MB size_gb=10",
    // (b) configuration in UPPER_SNAKE is no secret.
    "set LOG_LEVEL=debug on my-app",
    "set NODE_ENV=production and WORKERS=4 on my-app",
    "run a machine with -e CACHE_MB=512MB and --env WORKERS=4",
    // (c) "to" followed by words, not a value.
    "set API_KEY to the one in env on my-app",
    "set LOG_LEVEL to debug on my-app",
  ])("leaves a request without a secret value alone: %j", (request) => {
    expect(withholdSecretValues(request)).toEqual({ text: request, withheld: [] });
  });

  it("is idempotent: a value already withheld is not reported again", () => {
    const once = withholdSecretValues(
      "set A_KEY=c and x to https://u:pw@h/ and B_TOKEN to zz9 on my-app",
    ).text;
    expect(once).toBe(
      "set A_KEY=[REDACTED] and x to https://u:[REDACTED]@h/ and B_TOKEN to [REDACTED] on my-app",
    );
    expect(withholdSecretValues(once)).toEqual({ text: once, withheld: [] });
  });

  it("says what was withheld and where the text is kept, never the value", () => {
    expect(withheldNote(["API_KEY", URL_PASSWORD], "the conversation history")).toBe(
      "withheld the value of API_KEY and a password in a URL: a secret value is never sent to the model or written into the conversation history.\n",
    );
  });
});
