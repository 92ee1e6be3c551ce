/**
 * Questions an operator asks `flyops ask`, in their own words and typos, with what the answer must
 * say about the sandbox's demo fleet (src/sandbox/seed-demo.ts documents it): the facts it must
 * contain, the facts it must not (a broader answer names them), or that the local model refuses.
 * The conversation's date is TODAY, so time windows have one right answer.
 */
export const TODAY = "2026-10-10T12:00:00Z";

export type Expected = "refuses" | { has: readonly string[]; not?: readonly string[] };

export interface CorpusCase {
  question: string;
  /** Earlier questions of the same conversation, asked first, in order. */
  before?: readonly string[];
  expect: Expected;
}

// The demo fleet's machines and volumes by id.
const M = {
  webIad1: "148e272b0e4d89",
  webLhr1: "d8d9e21a7c3e18",
  webIad2: "3287e15b6d9e48",
  worker1: "9080e476b53d87",
  worker2: "e7843d0c2f1968",
  apiAms1: "4d89696a2e6087",
  apiSin1: "5683d920b1e48e",
  apiSin2: "0e286039f42e86",
  pgPrimary: "17811953c92e18",
  pgReplica: "6e82933c4e0e48",
  cron: "2865013c45e8d8",
} as const;
const V = {
  pg1: "vol_1pg7r2m9x4kq8dzw",
  pg2: "vol_2rp4x8k1m6tq9hvz",
  orphan: "vol_3orphq5n2w8c7yjd",
  cache: "vol_4wkc9m3t7p2xq5rb",
  scratch: "vol_5scr8j2v6n4d1kqe",
  uploads: "vol_6upl3f9b5h7m2xzc",
} as const;

const ALL_MACHINES = Object.values(M);
const except = (...kept: string[]): string[] => ALL_MACHINES.filter((id) => !kept.includes(id));
const STOPPED = [M.webIad2, M.apiSin2, M.pgReplica, M.cron];
const UNATTACHED = [V.orphan, V.scratch, V.uploads];
const ATTACHED = [V.pg1, V.pg2, V.cache];
const PERSONAL_APPS = ["demo-web", "demo-worker"];
const ACME_APPS = ["acme-api", "acme-db", "acme-cron"];
const WEB_IMAGE = "registry.fly.io/demo-web:deployment-01J9ZK3V2W1C4N7P8Q5R6S7T8U";
const DB_IMAGE = "flyio/postgres-flex:16.4";
/** The demo incident's image (src/sandbox/seed-incident.ts): acme-api's release v8. */
const INCIDENT_IMAGE = "registry.fly.io/acme-api:deployment-01JB7Q4X9Z2K5M8N1P3R6T0V2W";
const OLD_API_IMAGE = "registry.fly.io/acme-api:deployment-01JA0B1C2D3E4F5G6H7J8K9M0N";

export const CORPUS: readonly CorpusCase[] = [
  // Apps, orgs and where things run.
  { question: "what apps do I have?", expect: { has: [...PERSONAL_APPS, ...ACME_APPS] } },
  { question: "list my apps", expect: { has: [...PERSONAL_APPS, ...ACME_APPS] } },
  { question: "how many apps do i have", expect: { has: ["5 apps"] } },
  {
    question: "which apps are in the acme-corp org?",
    expect: { has: ACME_APPS, not: PERSONAL_APPS },
  },
  { question: "what apps are in my personal org", expect: { has: PERSONAL_APPS, not: ACME_APPS } },
  { question: "apps in the acme-corp organisation", expect: { has: ACME_APPS, not: PERSONAL_APPS } },
  {
    question: "which apps are in the foo org?",
    expect: { has: ["foo", "acme-corp", "personal"], not: [...PERSONAL_APPS, ...ACME_APPS] },
  },
  {
    question: "what apps are running and in which regions?",
    expect: { has: [...PERSONAL_APPS, ...ACME_APPS, "iad", "lhr", "ams", "sin", "ord"] },
  },
  { question: "where is demo-web running?", expect: { has: ["iad", "lhr"], not: ["acme-api", "sin"] } },
  { question: "what regions is acme-api in?", expect: { has: ["ams", "sin"], not: ["demo-web", "iad"] } },
  {
    question: "which apps have stopped machines?",
    expect: { has: ["demo-web", ...ACME_APPS], not: ["demo-worker"] },
  },
  { question: "which organizations do I have?", expect: { has: ["personal", "acme-corp"] } },
  // Members, databases and tokens (src/sandbox/seed-demo-addons.ts).
  {
    question: "who are the members of acme-corp?",
    expect: { has: ["dana@example.com", "lee@example.com", "sam@example.com", "3 members"] },
  },
  {
    question: "who is in the acme-corp org?",
    expect: { has: ["Dana Demo", "Lee Ops", "Sam Rivera", "member"], not: ["personal:"] },
  },
  {
    question: "which databases do I run?",
    expect: { has: ["acme-db", "acme-pg", "acme-cache", "3 databases"] },
  },
  {
    question: "which databases do I have?",
    expect: {
      has: [
        "3 databases",
        "acme-db",
        "Fly Postgres",
        "acme-pg",
        "Managed Postgres",
        "acme-cache",
        "Upstash Redis",
      ],
      not: ["acme-assets", "acme-sentry"],
    },
  },
  {
    question: "is my Postgres healthy?",
    expect: { has: ["acme-db", "pg-replica is stopped", "acme-pg", "ready"], not: ["acme-cache"] },
  },
  {
    question: "which tokens exist and when do they expire?",
    expect: { has: ["ci-deploy", "metrics-readonly", "old-ci", "dana-laptop", "2027-03-01"] },
  },
  {
    question: "which tokens expire this year?",
    expect: { has: ["metrics-readonly", "old-ci"], not: ["ci-deploy", "dana-laptop"] },
  },
  {
    question: "which tokens expire this month?",
    expect: { has: ["No token expires"], not: ["ci-deploy", "metrics-readonly", "old-ci", "dana-laptop"] },
  },
  {
    question: "which tokens expire next month?",
    expect: {
      has: ["1 token", "old-ci", "2026-11-01"],
      not: ["ci-deploy", "metrics-readonly", "dana-laptop"],
    },
  },
  { question: "which tokens expire soon?", expect: "refuses" },
  { question: "who owns acme-api?", expect: "refuses" },
  { question: "which regions are available?", expect: { has: ["iad", "ams", "syd"] } },
  { question: "what's the closest region to me?", expect: { has: ["nearest"] } },
  { question: "who am i logged in as?", expect: { has: ["dana@example.com"] } },

  // Machines by state, region, org, size and time.
  { question: "which machines are stopped?", expect: { has: STOPPED, not: except(...STOPPED) } },
  {
    question: "which machines aren't running?",
    expect: { has: [...STOPPED, M.worker2], not: except(...STOPPED, M.worker2) },
  },
  {
    question: "show me the machines in iad",
    expect: {
      has: [M.webIad1, M.webIad2, M.worker1, M.worker2],
      not: except(M.webIad1, M.webIad2, M.worker1, M.worker2),
    },
  },
  {
    question: "which machines are running in ams?",
    expect: { has: [M.apiAms1, M.pgPrimary], not: except(M.apiAms1, M.pgPrimary) },
  },
  { question: "whats running in sin", expect: { has: [M.apiSin1], not: except(M.apiSin1) } },
  { question: "which machines are suspended?", expect: { has: [M.worker2], not: except(M.worker2) } },
  { question: "show stopped machnes in ams", expect: { has: [M.pgReplica], not: except(M.pgReplica) } },
  {
    question: "what machines does demo-worker have?",
    expect: { has: [M.worker1, M.worker2], not: except(M.worker1, M.worker2) },
  },
  {
    question: "which machines are in the acme-corp org and stopped?",
    expect: { has: [M.apiSin2, M.pgReplica, M.cron], not: except(M.apiSin2, M.pgReplica, M.cron) },
  },
  {
    question: "show me all machines with performance cpus",
    expect: {
      has: [M.apiAms1, M.apiSin1, M.pgPrimary, M.pgReplica],
      not: except(M.apiAms1, M.apiSin1, M.pgPrimary, M.pgReplica),
    },
  },
  {
    question: "which machines have 256MB of memory?",
    expect: {
      has: [M.webIad1, M.webLhr1, M.webIad2, M.cron],
      not: except(M.webIad1, M.webLhr1, M.webIad2, M.cron),
    },
  },
  {
    question: "which machines were updated in the last 7 days?",
    expect: {
      has: [M.webIad2, M.worker2, M.apiAms1, M.apiSin1, M.apiSin2, M.pgReplica, M.cron],
      not: [M.webIad1, M.webLhr1, M.worker1, M.pgPrimary],
    },
  },
  {
    question: "which machines were created in the last 3 days?",
    expect: { has: [M.cron], not: except(M.cron) },
  },
  { question: "which machines stopped recently?", expect: "refuses" },
  { question: "any machines deployed yesterday?", expect: "refuses" },

  // Counting.
  { question: "how many machines do I have?", expect: { has: ["11 machines"] } },
  {
    question: "how many machines per region?",
    expect: { has: ["iad: 4", "ams: 3", "sin: 2", "lhr: 1", "ord: 1"] },
  },
  {
    question: "how many machines does each app have?",
    expect: { has: ["demo-web: 3", "acme-api: 3", "acme-db: 2", "demo-worker: 2", "acme-cron: 1"] },
  },
  {
    question: "how many machines are stopped in each app?",
    expect: { has: ["demo-web: 1", "acme-api: 1", "acme-db: 1", "acme-cron: 1"], not: ["demo-worker"] },
  },
  {
    question: "which app has the most machines?",
    expect: { has: ["demo-web", "acme-api"], not: ["acme-cron", "demo-worker", "acme-db"] },
  },
  {
    question: "which region has the fewest machines?",
    expect: { has: ["lhr", "ord"], not: ["iad", "ams", "sin"] },
  },

  // Biggest, smallest, oldest.
  { question: "which machines use the most memory?", expect: { has: [M.pgPrimary, "MB in use"] } },
  {
    question: "which apps have no machines running?",
    expect: { has: ["acme-cron"], not: ["acme-api", "demo-web"] },
  },
  { question: "is acme-api helthy?", expect: { has: ["api-sin-1", "critical"] } },
  {
    question: "did anything restart in the last hour?",
    expect: { has: ["3 restarts", "api-sin-1"], not: ["release", "update", "exit"] },
  },
  { question: "did demo-web restart in the last hour?", expect: { has: ["Nothing restarted in demo-web"] } },
  { question: "who has access to acme-corp?", expect: { has: ["dana@example.com", "sam@example.com"] } },
  { question: "what's the biggest machine?", expect: { has: [M.pgPrimary], not: except(M.pgPrimary) } },
  {
    question: "top 3 machines by cpu",
    expect: { has: [M.pgPrimary], not: [M.webIad1, M.webLhr1, M.cron, M.worker1] },
  },
  { question: "show me the oldest machine", expect: { has: [M.pgPrimary], not: except(M.pgPrimary) } },
  { question: "what's the cpu usage of pg-primary?", expect: { has: [M.pgPrimary, "CPUs busy of 4 CPUs"] } },
  { question: "how much memory is api-sin-1 using?", expect: { has: ["api-sin-1", "MB in use of 4096 MB"] } },
  {
    question: "how much ram does acme-api use",
    expect: { has: ["api-sin-1", "api-ams-1", "no samples"], not: [M.pgPrimary] },
  },
  { question: "how much memory is web-iad-2 using", expect: { has: ["web-iad-2", "no samples"] } },
  { question: "what's the p99 latency of acme-api?", expect: "refuses" },

  // Images.
  {
    question: "what images are my apps running?",
    expect: { has: [WEB_IMAGE, DB_IMAGE, INCIDENT_IMAGE], not: [OLD_API_IMAGE] },
  },

  // Health and change (the demo incident: acme-api v8, api-sin-1 OOM-killed 3 times, its check critical).
  {
    question: "are any health checks failing?",
    expect: { has: [M.apiSin1, "servicecheck-00-http-3000", "critical"], not: except(M.apiSin1) },
  },
  { question: "is demo-web healthy?", expect: { has: ["demo-web is healthy"], not: [M.apiSin1] } },
  {
    question: "is acme-api healthy?",
    expect: { has: ["acme-api is not healthy", M.apiSin1, "OOM-killed 3 times"], not: [M.pgPrimary] },
  },
  {
    question: "why is acme-api failing?",
    expect: {
      has: [
        "v8",
        INCIDENT_IMAGE,
        "lee@example.com",
        "exit_code 137",
        "OOM",
        "servicecheck-00-http-3000",
        "critical",
        "JavaScript heap out of memory",
        "Out of memory: Killed process",
        "5xx are rising in sin",
        "its memory available fell to",
      ],
    },
  },
  {
    question: "whats wrong with acme-api",
    expect: { has: ["v8", "exit_code 137", "JavaScript heap out of memory", "5xx are rising in sin"] },
  },
  {
    question: "what changed recently?",
    expect: { has: ["v8", INCIDENT_IMAGE, M.apiSin1, "oom_killed", "last 24 hours"], not: ["demo-web"] },
  },
  {
    question: "what changed in the last hour?",
    expect: { has: ["v8", M.apiSin1, "exit_code 137", "last hour"], not: ["demo-web", "acme-db"] },
  },
  { question: "what image is acme-db using?", expect: { has: [DB_IMAGE], not: [WEB_IMAGE] } },

  // Volumes.
  { question: "do I have any unattached volumes?", expect: { has: UNATTACHED, not: ATTACHED } },
  { question: "do i hav any unatached volumes", expect: { has: UNATTACHED, not: ATTACHED } },
  { question: "any orphaned volumes?", expect: { has: UNATTACHED, not: ATTACHED } },
  { question: "which volumes are attached?", expect: { has: ATTACHED, not: UNATTACHED } },
  { question: "how many volumes are unattached?", expect: { has: ["3 unattached volumes"] } },
  {
    question: "what's the biggest volume?",
    expect: { has: [V.pg1, V.pg2, V.orphan], not: [V.cache, V.scratch, V.uploads] },
  },
  {
    question: "whats the smallest volume",
    expect: { has: [V.scratch], not: [V.pg1, V.pg2, V.orphan, V.cache, V.uploads] },
  },
  {
    question: "list the volumes of acme-db",
    expect: { has: [V.pg1, V.pg2, V.orphan], not: [V.cache, V.scratch, V.uploads] },
  },
  {
    question: "what volumes does demo-worker have",
    expect: { has: [V.cache], not: [V.pg1, V.orphan, V.scratch, V.uploads] },
  },
  { question: "how many volumes per region?", expect: { has: ["ams: 3", "iad: 1", "ord: 1", "lhr: 1"] } },
  {
    question: "which volumes are bigger than 10GB?",
    expect: { has: [V.pg1, V.pg2, V.orphan], not: [V.cache, V.scratch, V.uploads] },
  },
  {
    question: "list volumes created in the last 30 days",
    expect: { has: [V.pg1, V.pg2, V.cache, V.scratch], not: [V.orphan, V.uploads] },
  },
  { question: "how full is vol_1pg7r2m9x4kq8dzw?", expect: "refuses" },

  // Secrets, IPs, certificates.
  {
    question: "what secrets does acme-api have?",
    expect: {
      has: ["DATABASE_URL", "JWT_SIGNING_KEY", "STRIPE_API_KEY"],
      not: ["POSTGRES_PASSWORD", "SESSION_SECRET"],
    },
  },
  {
    question: "list the secrets for demo-web",
    expect: { has: ["DATABASE_URL", "SESSION_SECRET"], not: ["REDIS_URL"] },
  },
  {
    question: "what secrets do my apps have?",
    expect: { has: ["SESSION_SECRET", "REDIS_URL", "SLACK_WEBHOOK_URL"] },
  },
  {
    question: "what secrets are in the acme-corp org?",
    expect: {
      has: ["STRIPE_API_KEY", "POSTGRES_PASSWORD", "SLACK_WEBHOOK_URL"],
      not: ["SESSION_SECRET", "REDIS_URL"],
    },
  },
  { question: "what's the value of DATABASE_URL on demo-web?", expect: "refuses" },
  { question: "what secrets do apps in ams have?", expect: "refuses" },
  {
    // Seeded machines were never given the secrets by flyops: every one is still to update.
    question: "which machines of demo-web need a secrets deploy?",
    expect: {
      has: ["demo-web: staged", "web-iad-1", "web-lhr-1", "web-iad-2"],
      not: ["worker-1", "deployed:"],
    },
  },
  {
    question: "what IPs does demo-web have?",
    expect: { has: ["66.241.124.10", "2a09:8280:1::3a:f001"], not: ["137.66.10.20"] },
  },
  {
    question: "which certificates does acme-api have?",
    expect: { has: ["api.acme.example", "staging.acme.example"], not: ["demo-web.example.com"] },
  },
  {
    question: "which certificates are not verified?",
    expect: { has: ["staging.acme.example"], not: ["api.acme.example", "demo-web.example.com"] },
  },
  {
    question: "what's the status of the cert for staging.acme.example?",
    expect: { has: ["staging.acme.example"], not: ["demo-web.example.com", "api.acme.example "] },
  },
  { question: "which app owns 137.66.10.20?", expect: { has: ["acme-api"], not: ["66.241.124.10"] } },

  // One app or machine.
  {
    question: "tell me about demo-web",
    expect: { has: [M.webIad1, M.webLhr1, M.webIad2, V.uploads], not: [M.apiAms1] },
  },
  { question: "describe machine 17811953c92e18", expect: { has: ["pg-primary", "ams", V.pg1] } },
  { question: "how's acme-cron doing?", expect: { has: [M.cron, V.scratch], not: [M.apiAms1] } },
  { question: "tell me about worker-1", expect: { has: [M.worker1, "1 GB"], not: [M.worker2] } },
  { question: "what's the ip of machine 148e272b0e4d89?", expect: "refuses" },

  // Logs and 5xx (issue 9): the seeded incident's errors on api-sin-1, and acme-api's 5xx.
  {
    question: "show me the logs of demo-web",
    expect: { has: ["demo-web", M.webIad1, M.webLhr1], not: [M.apiSin1] },
  },
  {
    question: "show me errors in acme-api's logs",
    expect: { has: ["JavaScript heap out of memory", M.apiSin1, "502"], not: [M.apiAms1] },
  },
  { question: "any errors in demo-web's logs?", expect: { has: ["No error lines"] } },
  {
    question: "which app has the most 5xx in the last hour?",
    expect: {
      has: ["acme-api", "No other app answered any 5xx"],
      not: ["demo-web", "demo-worker", "acme-db", "acme-cron"],
    },
  },

  // Subjects without a tool, and changes.
  { question: "show me the DNS records of demo-web", expect: "refuses" },
  // Health and change have tools now (issue 9); these were refusals before it.
  {
    question: "show me the health checks for demo-web",
    expect: { has: [M.webIad1, M.webLhr1, "servicecheck-00-http-8080: passing"], not: [M.apiSin1] },
  },
  { question: "when was demo-web last deployed?", expect: { has: ["v5", "dana@example.com", WEB_IMAGE] } },
  {
    question: "list the releases of acme-api",
    expect: { has: ["v8", "v7", INCIDENT_IMAGE, "lee@example.com"] },
  },
  { question: "what will my Fly bill be next month?", expect: "refuses" },
  { question: "how much am I paying for acme-db?", expect: "refuses" },
  { question: "restart demo-web", expect: "refuses" },

  // Found trying more questions after the first tally.
  {
    question: "which of my machines are failing?",
    expect: { has: [M.apiSin1, "OOM"], not: except(M.apiSin1) },
  },
  { question: "which org is acme-db in?", expect: { has: ["acme-corp"], not: ["personal"] } },
  { question: "what's in the personal org?", expect: { has: PERSONAL_APPS, not: ACME_APPS } },
  { question: "apps with machines in iad", expect: { has: PERSONAL_APPS, not: ACME_APPS } },
  {
    question: "how many apps have stopped machines?",
    expect: { has: ["demo-web", ...ACME_APPS], not: ["demo-worker"] },
  },
  {
    question: "do any of my apps have a dedicated ipv4?",
    expect: { has: ["137.66.10.20"], not: ["66.241.124.10", "2a09:8280:1::4b:c002"] },
  },
  {
    question: "what ipv6 addresses do I have?",
    expect: { has: ["2a09:8280:1::4b:c002", "2a09:8280:1::3a:f001"], not: ["137.66.10.20", "66.241.124.10"] },
  },
  { question: "which private ips do i have", expect: "refuses" },
  {
    question: "what regions do I have machines in?",
    expect: { has: ["iad", "lhr", "ams", "sin", "ord"], not: ALL_MACHINES },
  },
  { question: "show me my machines sorted by memory", expect: { has: ALL_MACHINES } },
  { question: "list volumes sorted by name", expect: "refuses" },
  { question: "which machines are using the most memroy", expect: { has: [M.pgPrimary] } },
  {
    question: "any unatttached volumes in ams?",
    expect: { has: [V.orphan], not: [V.scratch, V.uploads, V.pg1, V.pg2] },
  },
  { question: "which machines were created today?", expect: { has: ["no machines"], not: ALL_MACHINES } },
  { question: "which secrets were added in the last 30 days?", expect: "refuses" },
  {
    question: "and in ams?",
    before: ["which volumes are unattached?"],
    expect: { has: [V.orphan], not: [V.scratch, V.uploads, V.pg1, V.pg2] },
  },

  // A third round, tried as fresh questions once the second was fixed.
  { question: "what's the total size of my volumes?", expect: { has: ["129 GB"] } },
  { question: "how many certificates do I have?", expect: { has: ["4 certificates"] } },
  { question: "what secrets does the app have?", expect: { has: ["Which app?"], not: ["DATABASE_URL"] } },
  { question: "who owns the acme-corp org?", expect: "refuses" },
  { question: "what's my fly token?", expect: "refuses" },
  {
    question: "show me the smallest machine in ams",
    expect: { has: [M.apiAms1, M.pgReplica], not: except(M.apiAms1, M.pgReplica) },
  },
  {
    question: "which machines are in sin or ams?",
    expect: {
      has: [M.apiAms1, M.apiSin1, M.apiSin2, M.pgPrimary, M.pgReplica],
      not: except(M.apiAms1, M.apiSin1, M.apiSin2, M.pgPrimary, M.pgReplica),
    },
  },
  {
    question: "list machines of demo-web created this month",
    expect: { has: [M.webIad1, M.webLhr1, M.webIad2], not: except(M.webIad1, M.webLhr1, M.webIad2) },
  },

  // Follow-ups.
  {
    question: "and in ord?",
    before: ["which machines are stopped?"],
    expect: { has: [M.cron], not: except(M.cron) },
  },
  {
    question: "what about ams?",
    before: ["which machines are stopped?", "and in ord?"],
    expect: { has: [M.pgReplica], not: except(M.pgReplica) },
  },
  {
    question: "what about acme-db?",
    before: ["what secrets does demo-web have?"],
    expect: { has: ["POSTGRES_PASSWORD"], not: ["SESSION_SECRET"] },
  },
  {
    question: "and in iad?",
    before: ["which machines are stopped?", "show me the DNS records of demo-web"],
    expect: "refuses",
  },
  {
    question: "and for acme-api?",
    before: ["which machines are stopped?", "what's the weather like?"],
    expect: "refuses",
  },
];
