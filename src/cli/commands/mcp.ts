import { join, resolve } from "node:path";
import type { Readable, Writable } from "node:stream";
import { Command, Option } from "commander";
import { z } from "zod";
import { UsageError } from "../../errors.js";
import { MCP_CLIENTS, clientConfig, type Launch } from "../../mcp/client-config.js";
import { LOOPBACK_HOSTS, TOKEN_VARIABLE, serverToken } from "../../mcp/http-gate.js";
import { startMcpHttp } from "../../mcp/serve-http.js";
import { mcpServerFactory } from "../../mcp/server.js";
import { serveStdio } from "../../mcp/transport.js";
import { packageRoot } from "../../package-root.js";
import { jsonText } from "../output.js";
import { DESTRUCTIVE_FLAGS, addFlags, parseOptions } from "../options.js";
import { addRuntimeOptions, type Runtime } from "../runtime.js";
import { defaultDeps, withRuntime, type CommandDeps } from "../tool-command.js";
import type { GuardedIo } from "../output.js";

export const DEFAULT_MCP_PORT = 4290;

export const mcpOptionsSchema = z.object({
  http: z.boolean().default(false),
  port: z.coerce.number().int().min(0).max(65535).optional(),
  host: z
    .enum(LOOPBACK_HOSTS, { message: "--host must be a loopback address: 127.0.0.1, ::1 or localhost" })
    .optional(),
  readOnly: z.boolean().default(false),
  allowDestructive: z.boolean().default(false),
  destroyer: z.boolean().default(false),
  printConfig: z.enum(MCP_CLIENTS).optional(),
  dir: z.string().trim().min(1, "--dir needs a folder").optional(),
  verbose: z.boolean().default(false),
  app: z.string().optional(),
  org: z.string().optional(),
  sandbox: z.boolean().default(false),
});
export type McpOptions = z.input<typeof mcpOptionsSchema>;
type Parsed = z.output<typeof mcpOptionsSchema>;

/** Stdio mode's channel; the process's own streams unless a test passes others. */
export interface McpStreams {
  stdin: Readable;
  stdout: Writable;
}

/**
 * `flyops mcp`: the catalog's read tools and propose_plan for any MCP client, on stdio or on
 * loopback HTTP. The Fly credentials are resolved here, once, as for every command (withRuntime);
 * no client can send one. With --print-config it only prints the snippet a client needs.
 */
export async function runMcp(
  rawOptions: McpOptions,
  deps: CommandDeps = defaultDeps(),
  streams: McpStreams = { stdin: process.stdin, stdout: process.stdout },
): Promise<void> {
  const options = parseOptions(mcpOptionsSchema, rawOptions);
  const allowDestructive = options.allowDestructive || options.destroyer;
  if (options.readOnly && allowDestructive) {
    throw new UsageError(
      "--read-only and --allow-destructive do not go together: a read-only server proposes nothing",
    );
  }
  if (!options.http && (options.port !== undefined || options.host !== undefined)) {
    throw new UsageError("--port and --host are for --http", { hint: "flyops mcp --http --port 4290" });
  }
  const cwd = deps.cwd ?? process.cwd();
  const dir = resolve(cwd, options.dir ?? ".");
  if (options.printConfig !== undefined) {
    printConfig(options, allowDestructive, dir, deps, streams.stdout);
    return;
  }
  // Before anything starts: a bad FLYOPS_MCP_TOKEN is a usage error, not a server that refuses everyone.
  const token = options.http ? serverToken(deps.env) : undefined;
  await withRuntime(
    options,
    deps,
    async (runtime, io) => {
      const create = mcpServerFactory({
        ctx: runtime.ctx,
        redactor: deps.redactor,
        readOnly: options.readOnly,
        allowDestructive,
        allowEnv: runtime.config.secretsAllowEnv,
        dir,
      });
      const policy = options.readOnly
        ? "read-only"
        : `read tools and propose_plan (plans under ${join(dir, "plans")}${allowDestructive ? ", destructive steps allowed" : ""})`;
      if (token === undefined) {
        io.stderr(`flyops mcp: serving ${policy} on stdio\n`);
        await serveStdio(create(), deps.redactor, streams, deps.signal);
        io.stderr("flyops mcp: the client closed stdio; stopped\n");
        return;
      }
      await serveHttp(options, token, create, runtime, io, deps, policy);
    },
    { verbose: options.verbose },
  );
}

async function serveHttp(
  options: Parsed,
  token: { value: string; generated: boolean },
  create: ReturnType<typeof mcpServerFactory>,
  runtime: Runtime,
  io: GuardedIo,
  deps: CommandDeps,
  policy: string,
): Promise<void> {
  const server = await startMcpHttp({
    host: options.host ?? "127.0.0.1",
    port: options.port ?? DEFAULT_MCP_PORT,
    token: token.value,
    createServer: create,
    redactor: deps.redactor,
    log: runtime.ctx.log,
  });
  try {
    io.stderr(`flyops mcp: serving ${policy} at ${server.url}\n`);
    if (token.generated) {
      // Shown once, now: from here on it is a credential like any other and never printed again.
      io.stderr(
        `flyops mcp: clients authenticate with this token, shown once (or set ${TOKEN_VARIABLE} to choose one): ${token.value}\n`,
      );
    } else {
      io.stderr(`flyops mcp: clients authenticate with the token in ${TOKEN_VARIABLE}\n`);
    }
    io.flush();
    deps.redactor.add(token.value);
    io.stderr("press Ctrl-C to stop\n");
    await stopped(deps.signal);
  } finally {
    await server.close();
  }
}

/** Ctrl-C (the command's signal) or SIGTERM. */
function stopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((done) => {
    const stop = (): void => {
      process.off("SIGTERM", stop);
      signal?.removeEventListener("abort", stop);
      done();
    };
    if (signal?.aborted) return done();
    process.on("SIGTERM", stop);
    signal?.addEventListener("abort", stop, { once: true });
  });
}

/**
 * The client's snippet on stdout (JSON only); where it goes and what else to do on stderr. The one
 * write that does not leave through the redacting exit: the HTTP snippet's Authorization value is
 * a placeholder the client fills in (`Bearer ${FLYOPS_MCP_TOKEN}`), which the redactor would
 * rightly take for a header's value. So everything in the snippet that flyops did not write
 * itself (paths, --org, --app) is redacted before it goes in.
 */
function printConfig(
  options: Parsed,
  allowDestructive: boolean,
  dir: string,
  deps: CommandDeps,
  stdout: Writable,
): void {
  const client = options.printConfig!;
  const redact = (text: string): string => deps.redactor.redact(text);
  const launch: Launch = options.http
    ? { kind: "http", url: httpUrl(options) }
    : {
        kind: "stdio",
        command: redact(process.execPath),
        args: [
          redact(join(packageRoot, "dist", "src", "cli", "main.js")),
          "mcp",
          ...serverFlags(options, allowDestructive, dir).map(redact),
        ],
      };
  const { snippet, where } = clientConfig(client, launch);
  stdout.write(jsonText(snippet));
  const start = options.http
    ? `start the server first: flyops mcp --http ${serverFlags(options, allowDestructive, dir).join(" ")} (with ${TOKEN_VARIABLE} set to the token the client sends)\n`
    : "";
  deps.io.stderr(
    `paste into ${where}\n${start}` +
      "the snippet holds no credential: flyops reads the Fly token from its config file (fly.api_token) or FLY_API_TOKEN in the environment it starts in\n",
  );
}

function httpUrl(options: Parsed): string {
  const port = options.port ?? DEFAULT_MCP_PORT;
  if (port === 0) throw new UsageError("--print-config needs a fixed --port, not 0");
  const host = options.host ?? "127.0.0.1";
  return `http://${host === "::1" ? "[::1]" : host}:${port}/mcp`;
}

/** The flags the pasted command repeats, so that the client starts the server asked for here. */
function serverFlags(options: Parsed, allowDestructive: boolean, dir: string): string[] {
  return [
    "--dir",
    dir,
    ...(options.readOnly ? ["--read-only"] : []),
    ...(allowDestructive ? ["--allow-destructive"] : []),
    ...(options.sandbox ? ["--sandbox"] : []),
    ...(options.org ? ["--org", options.org] : []),
    ...(options.app ? ["--app", options.app] : []),
    ...(options.http && options.port !== undefined ? ["--port", String(options.port)] : []),
    ...(options.http && options.host !== undefined ? ["--host", options.host] : []),
  ];
}

export function mcpCommand(): Command {
  const command = new Command("mcp")
    .option(
      "--http",
      "serve Streamable HTTP on loopback instead of stdio; clients need the bearer token it prints",
    )
    .option(
      "--port <port>",
      `with --http: port to listen on (default ${DEFAULT_MCP_PORT}; 0 picks a free one)`,
    )
    .addOption(
      new Option("--host <host>", "with --http: loopback address to listen on (default 127.0.0.1)").choices(
        LOOPBACK_HOSTS,
      ),
    )
    .option("--read-only", "offer the read tools only: no propose_plan, so not even a plan can be proposed");
  addFlags(
    command,
    DESTRUCTIVE_FLAGS.map((spec) => ({ ...spec, help: `${spec.help} in proposed plans` })),
  );
  command
    .addOption(
      new Option(
        "--print-config <client>",
        "print the snippet to paste into an MCP client, then exit",
      ).choices(MCP_CLIENTS),
    )
    .option(
      "--dir <folder>",
      "the folder whose plans/ receives proposed plans (default: the working directory)",
    )
    .option("--verbose", "show details on stderr");
  addRuntimeOptions(command);
  return command.action(async (options: McpOptions) => {
    await runMcp(options);
  });
}
