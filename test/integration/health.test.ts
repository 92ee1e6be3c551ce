import { afterEach, describe, expect, it } from "vitest";
import { INCIDENT } from "../../src/sandbox/seed-incident.js";
import { startMockAnthropic } from "../support/mock-anthropic.js";
import type { MockModelServer, ScriptedTurn } from "../support/mock-model-turns.js";
import { startMockOpenAI } from "../support/mock-openai.js";
import { sandboxHome } from "../support/sandbox-home.js";

/**
 * The demo incident (src/sandbox/seed-incident.ts) found the way an operator would: `fly status`
 * across the fleet with one org listing per org, the local model naming exactly the machines
 * whose checks fail, and a real model (the openai and anthropic SDKs against scripted servers)
 * led by the tools to the release, the OOM kills and the failing check.
 */

const FLY_TOKEN = "fm2_" + "healthFlyToken".repeat(6);
const MACHINE_ID = /\b[0-9a-f]{14}\b/g;

const world = sandboxHome({
  prefix: "flyops-health-",
  sandbox: { port: 0, seed: "demo", token: FLY_TOKEN },
  per: { sandbox: "file", home: "test" },
});

/** Machines whose checks are not passing, read from the sandbox itself (not from flyops). */
function failingFromSandbox(): string[] {
  return world.sandbox.store
    .machines()
    .filter(
      (m) => m.state === "started" && Object.values(m.checkResults ?? {}).some((c) => c.status !== "passing"),
    )
    .map((m) => m.id)
    .sort();
}

describe("fly status", () => {
  it("--all --json lists the unhealthy machines with one org listing per org", async () => {
    const run = await world.cli(["fly", "status", "--all", "--json", "--verbose"]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as {
      orgs: string[];
      unhealthy: { app: string; machine: { id: string } }[];
    };
    expect(result.unhealthy.map((u) => u.machine.id)).toEqual([INCIDENT.machine.id]);
    expect(result.unhealthy[0]?.app).toBe(INCIDENT.app);

    const requests = run.stderr.split("\n").filter((l) => l.startsWith("request: "));
    const orgListings = requests.filter((l) => /\/v1\/orgs\/[^/]+\/machines/.test(l));
    expect(result.orgs.sort()).toEqual(["acme-corp", "personal"]);
    expect(orgListings.map((l) => /\/v1\/orgs\/([^/]+)\//.exec(l)?.[1]).sort()).toEqual(result.orgs);
    // Checks come only with the per-app listing (Fly's OrgMachine has none): only apps with a
    // started or recently changed machine are read, each once; acme-cron (one stopped machine,
    // untouched for weeks) is not.
    const appListings = requests.filter((l) => /GET \/v1\/apps\/[^/]+\/machines($|\?)/.test(l));
    const apps = appListings.map((l) => /\/v1\/apps\/([^/]+)\//.exec(l)?.[1]);
    expect(new Set(apps).size).toBe(apps.length);
    expect(apps).not.toContain("acme-cron");
    expect(apps).toContain(INCIDENT.app);
  });

  it("--app shows each machine with its checks, release, last exit and last event", async () => {
    const run = await world.cli(["fly", "status", "--app", INCIDENT.app, "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const status = JSON.parse(run.stdout) as { machines: { id: string; config: { image: string } }[] };
    expect(status.machines.map((m) => m.config.image)).toEqual(status.machines.map(() => INCIDENT.image));
    const table = await world.cli(["fly", "status", "--app", INCIDENT.app]);
    expect(table.stdout).toContain("critical");
    expect(table.stdout).toContain("exit_code 137 oom_killed");
    expect(table.stdout).toContain(`v${INCIDENT.release.version}`);
  });

  it("fly releases and fly events machine read the release and the OOM exits", async () => {
    const releases = await world.cli(["fly", "releases", "--app", INCIDENT.app, "--json"]);
    expect(releases.code, releases.stderr).toBe(0);
    const listed = JSON.parse(releases.stdout) as {
      releases: { version: number; imageRef: string; user: { email: string } }[];
    };
    expect(listed.releases[0]).toMatchObject({
      version: INCIDENT.release.version,
      imageRef: INCIDENT.image,
      user: { email: INCIDENT.release.user },
    });
    expect(listed.releases[1]?.version).toBe(INCIDENT.release.previous);

    const events = await world.cli([
      "fly",
      "events",
      "machine",
      INCIDENT.machine.id,
      "--app",
      INCIDENT.app,
      "--json",
    ]);
    expect(events.code, events.stderr).toBe(0);
    const exits = (
      JSON.parse(events.stdout) as {
        events: { type: string; request?: { exit_event?: { exit_code: number; oom_killed: boolean } } }[];
      }
    ).events.filter((e) => e.type === "exit");
    expect(exits).toHaveLength(INCIDENT.oomMinutesAgo.length);
    for (const e of exits) expect(e.request?.exit_event).toMatchObject({ exit_code: 137, oom_killed: true });
  });
});

describe("ask with the local model", () => {
  it('"are any health checks failing?" names exactly the machines whose checks are not passing', async () => {
    const run = await world.cli(["ask", "--new", "--model", "local", "are any health checks failing?"]);
    expect(run.code, run.stderr).toBe(0);
    const named = [...new Set(run.stdout.match(MACHINE_ID) ?? [])].sort();
    expect(named).toEqual(failingFromSandbox());
    expect(named).toEqual([INCIDENT.machine.id]);
  });

  it('"why is acme-api failing?" names the release, the OOM exits, the failing check, the OOM log line and the 5xx rise', async () => {
    const run = await world.cli(["ask", "--new", "--model", "local", `why is ${INCIDENT.app} failing?`]);
    expect(run.code, run.stderr).toBe(0);
    for (const fact of [
      `v${INCIDENT.release.version}`,
      INCIDENT.image,
      INCIDENT.release.user,
      "exit_code 137",
      "OOM",
      INCIDENT.check,
      "critical",
      "JavaScript heap out of memory",
      `5xx are rising in ${INCIDENT.machine.region}`,
      "Not seen:",
    ])
      expect(run.stdout).toContain(fact);
  });
});

interface Provider {
  name: string;
  start(turns: (body: unknown, index: number) => ScriptedTurn): Promise<MockModelServer<unknown>>;
  env(baseUrl: string): Record<string, string>;
}

const providers: Provider[] = [
  {
    name: "openai",
    start: (turns) => startMockOpenAI({ turns }),
    env: (baseUrl) => ({
      FLYOPS_MODEL: "openai:gpt-4.1",
      OPENAI_BASE_URL: baseUrl,
      OPENAI_API_KEY: "sk-proj-" + "healthModelKey".repeat(4),
    }),
  },
  {
    name: "anthropic",
    start: (turns) => startMockAnthropic({ turns }),
    env: (baseUrl) => ({
      FLYOPS_MODEL: "anthropic:claude-sonnet-5-5",
      ANTHROPIC_BASE_URL: baseUrl,
      ANTHROPIC_API_KEY: "sk-ant-api03-" + "healthModelKey".repeat(4),
    }),
  },
];

/**
 * A model that investigates in the prompt's order: status first; then the events of whichever
 * machine the status result flags (read from the result, not known in advance) and the releases;
 * then an answer. What it learned is asserted from what flyops sent it.
 */
function investigator(app: string): (body: unknown, index: number) => ScriptedTurn {
  return (body, index) => {
    if (index === 0) return { toolCalls: [{ name: "app_status", arguments: { app } }] };
    if (index === 1) {
      const sent = JSON.stringify(body);
      const flagged =
        /problems[^\]]{0,400}?\b([0-9a-f]{14})\b/.exec(sent.replace(/\\"/g, '"'))?.[1] ?? "none";
      return {
        toolCalls: [
          { name: "machine_events", arguments: { app, machine_id: flagged, type: ["exit"], since: "1h" } },
          { name: "releases_list", arguments: { app, limit: 3 } },
        ],
      };
    }
    return { text: "Release v8 preceded the OOM kills of the flagged machine; its check is critical." };
  };
}

describe.each(providers)("ask finds the incident over the $name SDK", (provider) => {
  const mocks: MockModelServer<unknown>[] = [];
  afterEach(async () => {
    await Promise.all(mocks.splice(0).map((m) => m.close()));
  });

  it(`reads status, then the flagged machine's exits and the releases`, async () => {
    const mock = await provider.start(investigator(INCIDENT.app));
    mocks.push(mock);
    const run = await world.cli(
      ["ask", "--new", `why is ${INCIDENT.app} failing?`],
      provider.env(mock.baseUrl),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(mock.requests).toHaveLength(3);
    const prompt = JSON.stringify(mock.requests[0]?.body);
    expect(prompt).toContain("Status and checks");
    const statusResult = JSON.stringify(mock.requests[1]?.body);
    expect(statusResult).toContain(INCIDENT.check);
    expect(statusResult).toContain("critical");
    expect(statusResult).toContain("connection refused");
    const evidence = JSON.stringify(mock.requests[2]?.body);
    // The events were read for the machine the status flagged: the incident's.
    expect(evidence).toContain(INCIDENT.machine.id);
    expect((evidence.match(/\\"oom_killed\\":true/g) ?? []).length).toBe(INCIDENT.oomMinutesAgo.length);
    expect(evidence).toContain(INCIDENT.image);
    expect(evidence).toContain(INCIDENT.release.user);
    expect(evidence).not.toContain(FLY_TOKEN);
    expect(run.stdout).toContain("Release v8");
  });
});
