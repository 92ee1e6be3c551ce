import { toolsByAccess } from "../../tools/index.js";
import { toolSpec } from "../../tools/json-schema.js";
import type { ChatMessage, ChatModel, ChatResponse, ToolCall } from "../../src/llm/types.js";
import { LocalModelCannotAnswer, createLocalModel } from "../../src/llm/local/index.js";
import { runAsk } from "../../src/agent/ask-loop.js";
import { createRuntime } from "../../src/cli/runtime.js";
import { makePlan } from "../../src/plan/maker/maker.js";
import { startSandbox } from "../../src/sandbox/index.js";
import { judgeFlyctl } from "../../src/plan/flyctl/rules.js";
import { validatePlan } from "../../src/plan/check/validator.js";
import { Redactor, containsToken } from "../../src/security/redact.js";
import { RedactingStream } from "../../src/security/redact-stream.js";
import { withholdSecretValues } from "../../src/security/withhold-secrets.js";
import { redactLogLine } from "../../src/security/log-lines.js";
import { parsePromQL, PromQLError } from "../../src/sandbox/promql.js";

/**
 * Every redaction and validation function, run on about a megabyte of whitespace and of near-miss
 * shapes: names of credentials with no credential after them, prefixes one character short, runs
 * that a pattern re-reads from each of its positions when it is super-linear. A linear function
 * finishes each case in milliseconds; a quadratic one would take hours. The cases only have to
 * complete (linear-time.test.ts runs them in a child process with a deadline) and return what they
 * should; nothing here measures time.
 */

export const MB = 1 << 20;

/** `unit` repeated to about a megabyte, after `head`. */
export function fill(unit: string, head = ""): string {
  return head + unit.repeat(Math.ceil(MB / unit.length));
}

/** Blanks only: nothing to redact, withhold or find. */
export const WHITESPACE: Readonly<Record<string, string>> = {
  spaces: fill(" "),
  newlines: fill("\n"),
  tabs: fill("\t"),
  mixed: fill(" \t\r\n"),
};

/** Shapes that start like a credential, an assignment or a pattern's anchor and never finish. */
export const NEAR_MISSES: Readonly<Record<string, string>> = {
  "fo1_ then blanks": fill(" ", "fo1_"),
  "fo1_ one short, repeated": fill("fo1_abcdefghi "),
  "fm2_ bundle commas": fill(",fm2_", "fm2_abcdefghijkl"),
  "Bearer repeated": fill("Bearer "),
  "Bearer on every line": fill("Bearer\n"),
  "Authorization: then blanks": fill(" ", "Authorization:"),
  "Authorization then blanks, no colon": fill(" ", "Authorization"),
  "escaped JSON Authorization": fill('\\"Authorization\\":\\"'),
  "FlyV1 then blanks": fill(" ", "FlyV1"),
  "FlyV1 repeated": fill("FlyV1 "),
  "sk- one short, repeated": fill("sk-abcdefghijklmnopqr "),
  "sk-proj- repeated": fill("sk-proj-"),
  "base64 without a prefix": fill("Ab3+/="),
  "dotted words": fill("a."),
  "hyphenated digits": fill("-1"),
  "URL user, colons, no @": fill(":", "a://a:"),
  "escaped quotes": fill('A=\\"'),
  assignments: fill("a=b "),
  "clause marks": fill(",\n"),
  "/proc/ repeated": fill("/proc/"),
  "a number then blanks": fill(" ", "1"),
  "<data> then blanks": fill(" ", "<data>"),
  "eyJ repeated": fill("eyJ"),
  "JWT first part, no dots": fill("a", "eyJ"),
  "ghp_ repeated": fill("ghp_"),
  "quoted field names, no colon": fill('"password" '),
  "field colons, blanks, no value": fill("password:    "),
  "long field name, no colon": fill("a"),
};

export const SHAPES: Readonly<Record<string, string>> = { ...WHITESPACE, ...NEAR_MISSES };

type Run = () => unknown;
export type Group = ReadonlyArray<readonly [name: string, run: Run]>;

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

const redactor = new Redactor(["correct horse battery staple"]);

function streamed(text: string): string {
  let out = "";
  const stream = new RedactingStream(redactor, (piece) => (out += piece));
  for (let at = 0; at < text.length; at += 4096) stream.write(text.slice(at, at + 4096));
  stream.end();
  return out;
}

const redaction: Group = Object.entries(SHAPES).flatMap(([name, text]) => [
  [
    `Redactor.redact: ${name}`,
    () => {
      const out = redactor.redact(text);
      if (name in WHITESPACE) check(out === text, "whitespace changed");
      check(!containsToken(out), "a token survived");
    },
  ],
  [`containsToken: ${name}`, () => check(!containsToken(text) || !(name in WHITESPACE), "token in blanks")],
  [`RedactingStream: ${name}`, () => check(streamed(text) === redactor.redact(text), "stream differs")],
]);

const withholding: Group = Object.entries(SHAPES).map(([name, text]) => [
  `withholdSecretValues: ${name}`,
  () => {
    const { text: kept } = withholdSecretValues(text);
    if (name in WHITESPACE) check(kept === text, "whitespace changed");
  },
]);

const logLines: Group = Object.entries(SHAPES).map(([name, text]) => [
  `redactLogLine: ${name}`,
  () => {
    const out = redactLogLine(text);
    if (name in WHITESPACE) check(out === text, "whitespace changed");
    check(!containsToken(out), "a token survived");
  },
]);

/** The sandbox's PromQL parser reads a query in one pass; a megabyte is refused by length first, so cut it to its limit. */
const promql: Group = Object.entries(SHAPES).map(([name, text]) => [
  `parsePromQL: ${name}`,
  () => {
    for (const query of [text, text.slice(0, 4096)]) {
      try {
        parsePromQL(query);
      } catch (error) {
        check(error instanceof PromQLError, `unexpected ${String(error)}`);
      }
    }
  },
]);

function plan(overrides: Record<string, unknown>, step: Record<string, unknown> = {}): unknown {
  return {
    version: 1,
    request: "stop it",
    createdAt: "2026-11-22T10:00:00Z",
    org: "personal",
    summary: "Stop it.",
    steps: [
      {
        id: "s1",
        tool: "machines_stop",
        reason: "asked",
        input: { app: "demo-web", machine_id: "148e272b0e4d89" },
        ...step,
      },
    ],
    preconditions: [],
    ...overrides,
  };
}

const PLAN_FIELDS: ReadonlyArray<readonly [string, (text: string) => unknown]> = [
  ["request", (text) => plan({ request: text })],
  ["summary", (text) => plan({ summary: text })],
  ["reason", (text) => plan({}, { reason: text })],
  [
    "machine name",
    (text) => plan({}, { tool: "machines_create", input: { app: "a", region: "iad", name: text } }),
  ],
  ["tool name", (text) => plan({}, { tool: text })],
  [
    "secret name and fromEnv",
    (text) => plan({}, { tool: "secrets_set", input: { app: "a", secrets: { [text]: { fromEnv: text } } } }),
  ],
  [
    "precondition expectation",
    (text) =>
      plan({
        preconditions: [{ tool: "apps_get", input: { app: "demo-web" }, expect: { status: text } }],
      }),
  ],
];

const validation: Group = PLAN_FIELDS.flatMap(([field, build]) =>
  ["spaces", "Bearer repeated", "Authorization: then blanks", "assignments"].map(
    (shape) =>
      [
        `validatePlan: ${field} holding ${shape}`,
        () => {
          const result = validatePlan(build(SHAPES[shape]!), { allowDestructive: false });
          for (const finding of result.findings) check(finding.message.length > 0, "empty finding");
        },
      ] as const,
  ),
);

const ws = WHITESPACE.spaces!;
const FLYCTL_LINES: Readonly<Record<string, readonly string[]>> = {
  "a blank argument": ["machine", "run", ws, "-a", "my-app"],
  "a remote command of blanks": ["ssh", "console", "-a", "my-app", "-C", `ls${ws}`],
  "a remote command of /proc/": ["ssh", "console", "-a", "my-app", "-C", NEAR_MISSES["/proc/ repeated"]!],
  "an -e value of blanks": ["machine", "run", "alpine", "-a", "my-app", "-e", `A=${ws}`],
  "a long flag name": ["apps", "list", `--${"a".repeat(MB)}`],
  "grouped short flags": ["apps", "list", `-${"v".repeat(MB)}`],
  "many -t flags": ["apps", "list", ...Array.from({ length: 100_000 }, (_, i) => (i % 2 ? "x" : "-t"))],
  "many positionals": [
    "machine",
    "run",
    "alpine",
    "-a",
    "my-app",
    ...Array.from({ length: 100_000 }, () => "x"),
  ],
};

const flyctl: Group = Object.entries(FLYCTL_LINES).map(([name, args]) => [
  `judgeFlyctl: ${name}`,
  () => check(judgeFlyctl(args, { allowDestructive: true }).length >= 0, "no verdict"),
]);

const ASK_TOOLS = toolsByAccess("read").map(toolSpec);
const PLAN_TOOLS = [...ASK_TOOLS, { name: "propose_plan", description: "propose", parameters: {} }];

/** The local model on a question; it may answer, ask for tools or say it cannot. */
async function localTurn(messages: ChatMessage[], planning: boolean): Promise<void> {
  const model = createLocalModel();
  await model.chat({ messages, tools: planning ? PLAN_TOOLS : ASK_TOOLS }).catch((error: unknown) => {
    check(error instanceof LocalModelCannotAnswer, `unexpected ${String(error)}`);
  });
}

/** The add-on requests' own anchors (src/llm/local/plan-addons.ts, ask-addons.ts), never finished. */
const ADDON_REQUESTS: Readonly<Record<string, string>> = {
  "managed postgres named, then blanks": fill(" ", "create a managed postgres named"),
  "managed postgres, org repeated": fill("org ", "create a managed postgres "),
  "tokens expire next, then blanks": fill(" ", "which tokens expire next"),
  "tokens expire, next repeated": fill("next ", "which tokens expire "),
  "revoke token, token repeated": fill("token ", "revoke "),
};

const call: ToolCall = { id: "local_1", name: "machines_list", arguments: '{"app":"demo-web"}' };

const localModel: Group = [
  ...Object.entries(ADDON_REQUESTS).flatMap(([name, text]): Group => [
    [`local model, add-on question: ${name}`, () => localTurn([{ role: "user", content: text }], false)],
    [`local model, add-on request: ${name}`, () => localTurn([{ role: "user", content: text }], true)],
  ]),
  ...Object.entries(SHAPES).flatMap(([name, text]): Group => [
    [
      `local model, question: ${name}`,
      () => localTurn([{ role: "user", content: `${text} machines?` }], false),
    ],
    [`local model, request: ${name}`, () => localTurn([{ role: "user", content: `create ${text}` }], true)],
    [
      `local model, tool result: ${name}`,
      () =>
        localTurn(
          [
            { role: "user", content: "which machines are stopped in demo-web?" },
            { role: "assistant", content: "", toolCalls: [call] },
            { role: "tool", toolCallId: call.id, name: call.name, content: `<data>${text}</data>` },
          ],
          false,
        ),
    ],
  ]),
];

/** A model that proposes one plan with a megabyte of blanks in its summary and reason, then stops. */
function blankSummaryModel(): ChatModel {
  let turn = 0;
  return {
    id: "test:blank-summary",
    chat(): Promise<ChatResponse> {
      turn += 1;
      const usage = { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0 };
      if (turn > 1) return Promise.resolve({ text: "done", toolCalls: [], usage, stopReason: "end" });
      const input = { app: "demo-web", machine_id: "148e272b0e4d89" };
      const proposal = { summary: ws, steps: [{ id: "s1", tool: "machines_stop", reason: ws, input }] };
      const toolCalls = [{ id: "p1", name: "propose_plan", arguments: JSON.stringify(proposal) }];
      return Promise.resolve({ text: "", toolCalls, usage, stopReason: "tool_calls" });
    },
  };
}

/** The demo sandbox with a machine whose name is a megabyte of blanks, and a runtime pointed at it. */
async function withBlankNamedMachine(
  work: (runtime: Awaited<ReturnType<typeof createRuntime>>) => Promise<void>,
) {
  const sandbox = await startSandbox({ seed: "demo" });
  const machine = sandbox.store.machine("148e272b0e4d89");
  check(machine !== undefined, "no demo machine");
  if (machine) machine.name = ws;
  const runtime = await createRuntime({
    env: { ...sandbox.env, HOME: "/nonexistent", XDG_CONFIG_HOME: "/nonexistent" },
  });
  try {
    await work(runtime);
  } finally {
    await runtime.close();
    await sandbox.close();
  }
}

/** The loops of `flyops ask` and `flyops plan` end to end, with the blanks in a tool result and in a proposal. */
const endToEnd: Group = [
  [
    "ask: the local model reads a machine named by a megabyte of blanks",
    () =>
      withBlankNamedMachine(async (runtime) => {
        const result = await runAsk({
          question: "which machines are started in demo-web?",
          model: createLocalModel(),
          ctx: runtime.ctx,
          tools: toolsByAccess("read"),
          redactor: new Redactor(runtime.credentials),
        });
        check(result.answer.length > 0, "no answer");
      }),
  ],
  [
    "plan: a proposal whose summary and reason are a megabyte of blanks",
    () =>
      withBlankNamedMachine(async (runtime) => {
        await makePlan({
          request: "stop web-iad-1 of demo-web",
          model: blankSummaryModel(),
          ctx: runtime.ctx,
          redactor: new Redactor(runtime.credentials),
          allowDestructive: false,
        }).catch((error: unknown) => check(error instanceof Error, "not an error"));
      }),
  ],
];

export const GROUPS: Readonly<Record<string, Group>> = {
  redaction,
  withholding,
  logLines,
  promql,
  validation,
  flyctl,
  localModel,
  endToEnd,
};
