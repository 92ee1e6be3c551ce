// The body of the fake `flyctl` used by tests (installed by fake-flyctl.ts, which bakes in `config`).
// It records how it was called — argv, the whole environment, standard input, the folder it runs
// in and what that folder holds — as one JSON line,
// then acts on the sandbox over its REST API for the few subcommands flyops runs.
import { appendFileSync, readdirSync } from "node:fs";
import { Buffer } from "node:buffer";
import process from "node:process";

function readStdin() {
  return new Promise((resolve) => {
    const chunks = [];
    process.stdin.on("data", (chunk) => chunks.push(chunk));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    process.stdin.on("error", () => resolve(""));
  });
}

/** Global flags may appear anywhere, in any of flyctl's spellings. */
function splitArgs(argv) {
  const positional = [];
  const flags = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const eq = arg.match(/^--?([\w-]+)=(.*)$/);
    if (eq) flags[eq[1]] = eq[2];
    else if (arg === "-a" || arg === "--app") flags.app = argv[(i += 1)];
    else if (arg.startsWith("-")) flags[arg.replace(/^-+/, "")] = true;
    else positional.push(arg);
  }
  if (flags.a !== undefined) flags.app = flags.a;
  return { positional, flags };
}

function parseImport(text) {
  const values = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i];
    if (line.trim() === "") continue;
    const at = line.indexOf("=");
    const name = line.slice(0, at);
    let value = line.slice(at + 1);
    if (value.startsWith('"""')) {
      value = value.slice(3);
      while (!value.endsWith('"""') && i + 1 < lines.length) value += `\n${lines[(i += 1)]}`;
      value = value.slice(0, -3);
    }
    values[name] = value;
  }
  return values;
}

async function api(method, path, body) {
  const token = process.env.FLY_API_TOKEN ?? "";
  const scheme = /^(fm1r_|fm2_)/.test(token) ? "FlyV1" : "Bearer";
  const response = await globalThis.fetch(`${process.env.FLY_API_HOSTNAME}/v1${path}`, {
    method,
    headers: { authorization: `${scheme} ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} failed with ${response.status}: ${text}`);
  return text === "" ? undefined : JSON.parse(text);
}

async function scaleCount(app, count) {
  const machines = await api("GET", `/apps/${app}/machines`);
  const template = machines[0];
  for (let n = machines.length; n < count; n += 1) {
    await api("POST", `/apps/${app}/machines`, { region: template.region, config: template.config });
  }
  for (const machine of machines.slice(count)) {
    await api("DELETE", `/apps/${app}/machines/${machine.id}?force=true`);
  }
  return `scaled ${app} to ${count} machines`;
}

async function act(positional, flags, stdin) {
  const [group, verb, ...rest] = positional;
  const app = flags.app;
  if (group === "version") return "flyctl v0.0.0-fake";
  if (group === "auth" && verb === "token") return process.env.FLY_API_TOKEN ?? "";
  if (group === "secrets" && verb === "import") {
    const values = parseImport(stdin);
    await api("POST", `/apps/${app}/secrets`, { values });
    return `imported ${Object.keys(values).length} secrets into ${app}`;
  }
  if (["machine", "machines", "m"].includes(group) && ["stop", "start"].includes(verb)) {
    for (const id of rest) {
      await api("POST", `/apps/${app}/machines/${id}/${verb}`, {});
      // Returns once the machine is there, so a test never reads a machine still on its way (the
      // sandbox keeps Fly's transition times).
      await api("GET", `/apps/${app}/machines/${id}/wait?state=${verb === "stop" ? "stopped" : "started"}`);
    }
    return `${verb} ${rest.join(" ")}`;
  }
  if (group === "scale" && verb === "count") return scaleCount(app, Number(rest[0]));
  throw new Error(`unknown command "${positional.join(" ")}" for "flyctl"`);
}

export async function main(config) {
  const argv = process.argv.slice(2);
  const stdin = await readStdin();
  const cwd = process.cwd();
  const cwdEntries = readdirSync(cwd);
  appendFileSync(
    config.recordFile,
    `${JSON.stringify({ argv, env: process.env, stdin, cwd, cwdEntries })}\n`,
  );
  const { positional, flags } = splitArgs(argv);
  const [group, verb] = positional;
  const inMachine =
    (["machine", "machines", "m"].includes(group) && verb === "exec") ||
    (group === "ssh" && verb === "console");
  if (inMachine && config.remote) {
    // What ran inside the machine: flyctl passes its output through and fails when it does.
    process.stdout.write(config.remote.stdout);
    process.stderr.write(config.remote.stderr);
    process.exitCode = config.remote.exitCode;
    return;
  }
  try {
    process.stdout.write(`${await act(positional, flags, stdin)}\n`);
  } catch (error) {
    process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
