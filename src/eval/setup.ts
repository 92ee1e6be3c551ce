import { FlyopsError } from "../errors.js";
import { SANDBOX_PLACEHOLDER_TOKEN, type Sandbox } from "../sandbox/index.js";
import type { SetupStep } from "./task.js";

/**
 * A task's setup runs through the sandbox's own HTTP API, as any client's changes would, so that
 * what a task plants (an instruction in a machine's metadata, a stopped machine) is stored the way
 * Fly would store it.
 */
export async function applySetup(sandbox: Sandbox, steps: readonly SetupStep[]): Promise<void> {
  for (const step of steps) {
    if ("request" in step) {
      await call(sandbox, step.request.method, step.request.path, step.request.body);
      continue;
    }
    const { app, machine_id, config } = step.patchMachineConfig;
    const path = `/v1/apps/${encodeURIComponent(app)}/machines/${encodeURIComponent(machine_id)}`;
    const machine = (await call(sandbox, "GET", path)) as { config?: Record<string, unknown> };
    const merged = { ...machine.config, ...mergeMaps(machine.config ?? {}, config) };
    // Fly's update takes the whole config (fly-go UpdateMachine: LaunchMachineInput.Config); without
    // skip_launch it would start a stopped machine, and planting data must not change its state.
    await call(sandbox, "POST", path, { config: merged, skip_launch: true });
  }
  sandbox.settle();
}

/** Objects one level down (metadata, env) are merged, so a patch adds keys instead of replacing the map. */
function mergeMaps(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    const old = base[key];
    out[key] = isPlainObject(old) && isPlainObject(value) ? { ...old, ...value } : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

async function call(sandbox: Sandbox, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(new URL(path, sandbox.url), {
    method,
    headers: {
      authorization: `Bearer ${sandbox.token ?? SANDBOX_PLACEHOLDER_TOKEN}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new FlyopsError(
      `task setup: ${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`,
      {
        hint: "a task's setup must be a request the sandbox accepts",
      },
    );
  }
  return text === "" ? undefined : (JSON.parse(text) as unknown);
}
