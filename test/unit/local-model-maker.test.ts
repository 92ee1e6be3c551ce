import { describe, expect, it } from "vitest";
import { LocalModelCannotAnswer, createLocalModel } from "../../src/llm/local/index.js";
import { findTool } from "../../tools/index.js";
import { make, type Made } from "./local-model-fixture.js";

const model = createLocalModel();

type Plan = NonNullable<Made["plan"]>;

/** The plan made; every step and precondition is a real catalog call with valid input. */
async function planFor(
  request: string,
  app?: string,
): Promise<{ plan: Plan; text: string; reads: string[] }> {
  const made = await make(model, request, { app });
  if (!made.plan) throw new Error(`no plan for "${request}": ${made.text}`);
  const plan = made.plan;
  for (const step of plan.steps) {
    const tool = findTool(step.tool);
    expect(tool, step.tool).toBeDefined();
    if (step.tool !== "secrets_set")
      expect(tool?.input.safeParse(step.input).success, `${step.tool} ${JSON.stringify(step.input)}`).toBe(
        true,
      );
  }
  expect(made.text).toContain(plan.summary);
  return {
    plan,
    text: made.text,
    reads: made.calls.filter((c) => c.tool !== "propose_plan").map((c) => c.tool),
  };
}

/** The maker's refusal when the local model proposed nothing: its answer is in the error's hint. */
async function refusal(request: string, app?: string): Promise<string> {
  const made = await make(model, request, { app });
  expect(made.plan).toBeUndefined();
  expect(made.calls.map((c) => c.tool)).not.toContain("propose_plan");
  return made.text;
}

describe("local maker: machines", () => {
  it("creates a machine with preset, memory, region and image", async () => {
    const { plan } = await planFor(
      "create a 512MB shared-cpu-1x machine in iad for web with image nginx:1.27",
    );
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]).toMatchObject({
      id: "s1",
      tool: "machines_create",
      input: {
        app: "web",
        region: "iad",
        image: "nginx:1.27",
        guest: { cpu_kind: "shared", cpus: 1, memory_mb: 512 },
      },
    });
    // The maker names every create so an interrupted apply can find it; the model left that to it.
    expect((plan.steps[0]?.input as { name?: string }).name).toMatch(/^web-iad-[0-9a-f]{6}$/);
    // It copies web's newest machine of the default group, as `fly machine clone` does: the new
    // machine gets the services, env and process group that make it get traffic.
    expect(plan.steps[0]?.input).toMatchObject({ from_machine_id: "148ed193b95e89" });
    expect(plan.preconditions).toEqual([
      { tool: "apps_get", input: { app: "web" }, expect: { exists: true } },
      {
        tool: "machines_get",
        input: { app: "web", machine_id: "148ed193b95e89" },
        expect: { state: "started" },
      },
    ]);
  });

  it("takes performance presets, explicit CPU counts and a name; copies the app's image when none is given", async () => {
    const { plan } = await planFor("launch a performance-2x machine with 8GB named api-3 in ams for web-api");
    expect(plan.steps[0]?.input).toEqual({
      app: "web-api",
      region: "ams",
      name: "api-3",
      image: "registry.fly.io/web-api:v7",
      guest: { cpu_kind: "performance", cpus: 2, memory_mb: 8192 },
      from_machine_id: "9080e6d4a47e48",
    });
    const cpus = await planFor("add a new machine with 2 shared cpus in ord for web");
    expect(cpus.plan.steps[0]?.input).toMatchObject({
      guest: { cpu_kind: "shared", cpus: 2, memory_mb: 512 },
    });
  });

  it("uses the app's only region when none is named, and asks when there are several", async () => {
    const { plan } = await planFor("create a shared-cpu-1x machine for worker");
    expect(plan.steps[0]?.input).toMatchObject({ region: "syd" });
    expect(await refusal("create a shared-cpu-1x machine for web")).toContain("Which region");
  });

  it("refuses sizes Fly does not offer", async () => {
    expect(await refusal("create a machine with 300MB in iad for web")).toContain("not a multiple of 256 MB");
  });

  it("stops a started machine, recording its state and version as preconditions", async () => {
    const { plan, reads } = await planFor("stop machine 148ed193b95e89 of web");
    expect(reads).toEqual(["apps_list", "machines_get"]);
    expect(plan.steps).toEqual([
      expect.objectContaining({ tool: "machines_stop", input: { app: "web", machine_id: "148ed193b95e89" } }),
    ]);
    expect(plan.preconditions).toContainEqual({
      tool: "machines_get",
      input: { app: "web", machine_id: "148ed193b95e89" },
      expect: { state: "started", instance_id: "01J148ED193B95E89" },
    });
  });

  it("finds a machine's app from its id, or a machine by name", async () => {
    const byId = await planFor("suspend 9080e6d4a47e48");
    expect(byId.plan.steps[0]).toMatchObject({
      tool: "machines_suspend",
      input: { app: "web-api", machine_id: "9080e6d4a47e48" },
    });
    const byName = await planFor("restart the machine web-ord-1 of web");
    expect(byName.plan.steps[0]).toMatchObject({
      tool: "machines_restart",
      input: { app: "web", machine_id: "3d8d9015b6e089" },
    });
    const started = await planFor("start machine e2865013c49e86");
    expect(started.plan.steps[0]?.tool).toBe("machines_start");
  });

  it("destroys a running machine by stopping it first, or with force when asked", async () => {
    const { plan } = await planFor("destroy machine 148ed193b95e89");
    expect(plan.steps.map((s) => s.tool)).toEqual(["machines_stop", "machines_destroy"]);
    const forced = await planFor("force destroy machine 148ed193b95e89");
    expect(forced.plan.steps).toEqual([
      expect.objectContaining({
        tool: "machines_destroy",
        input: { app: "web", machine_id: "148ed193b95e89", force: true },
      }),
    ]);
    const stopped = await planFor("delete machine e2865013c49e86");
    expect(stopped.plan.steps).toEqual([
      expect.objectContaining({
        tool: "machines_destroy",
        input: { app: "web", machine_id: "e2865013c49e86" },
      }),
    ]);
  });

  it("plans nothing when the machine is already there, or unknown", async () => {
    expect(await refusal("start machine 148ed193b95e89")).toContain("already started");
    expect(await refusal("restart machine e2865013c49e86")).toContain("cannot be restarted");
    expect(await refusal("stop machine 00000000000000")).toContain("I found no machine 00000000000000");
  });

  it("refuses a change to a machine or volume of an app that does not exist, listing the apps", async () => {
    // The machine and volume exist in web: acting on them would answer a request about another app.
    for (const request of [
      "stop machine 148ed193b95e89 of nope",
      "stop machine 148ed193b95e89 in app nope",
      "destroy the stopped machine in demo-api",
      "destroy volume vol_9z8y7x6w5v4u3t2s of demo-api",
    ]) {
      const said = await refusal(request);
      expect(said, request).toMatch(/There is no app named (nope|demo-api)\. Your apps: .*\bweb\b/);
    }
    expect((await planFor("stop machine 148ed193b95e89 in iad")).plan.steps[0]?.input).toEqual({
      app: "web",
      machine_id: "148ed193b95e89",
    });
  });
});

describe("local maker: volumes", () => {
  it("creates a volume with name, size and region", async () => {
    const { plan } = await planFor("create a 10GB volume named uploads in iad for web");
    expect(plan.steps[0]).toMatchObject({
      tool: "volumes_create",
      input: { app: "web", name: "uploads", region: "iad", size_gb: 10 },
    });
  });

  it("extends a volume to a size or by an amount, recording its current size", async () => {
    const to = await planFor("extend volume vol_9z8y7x6w5v4u3t2s to 20GB");
    expect(to.plan.steps[0]).toMatchObject({
      tool: "volumes_extend",
      input: { app: "web", volume_id: "vol_9z8y7x6w5v4u3t2s", size_gb: 20 },
    });
    expect(to.plan.preconditions).toContainEqual({
      tool: "volumes_get",
      input: { app: "web", volume_id: "vol_9z8y7x6w5v4u3t2s" },
      expect: { size_gb: 5 },
    });
    const by = await planFor("grow the cache volume of web-api by 7 GB");
    expect(by.plan.steps[0]?.input).toMatchObject({ volume_id: "vol_5k5k5k5k5k5k5k5k", size_gb: 10 });
    expect(await refusal("extend volume vol_9z8y7x6w5v4u3t2s to 4GB")).toContain("can only grow");
  });

  it("destroys an unattached volume and refuses an attached one", async () => {
    const { plan } = await planFor("destroy volume vol_5k5k5k5k5k5k5k5k");
    expect(plan.steps[0]).toMatchObject({
      tool: "volumes_destroy",
      input: { app: "web-api", volume_id: "vol_5k5k5k5k5k5k5k5k" },
    });
    expect(plan.preconditions[0]).toMatchObject({ tool: "volumes_get", expect: { exists: true } });
    expect(await refusal("delete volume vol_1a2b3c4d5e6f7g8h")).toContain(
      "attached to machine 148ed193b95e89",
    );
  });
});

describe("local maker: IPs and certificates", () => {
  it("allocates the kind of address asked for", async () => {
    expect((await planFor("allocate a dedicated ipv4 for web")).plan.steps[0]?.input).toEqual({
      app: "web",
      type: "v4",
    });
    expect((await planFor("add a shared ipv4 address to web")).plan.steps[0]?.input).toEqual({
      app: "web",
      type: "shared_v4",
    });
    expect((await planFor("allocate an IPv6 for web-api")).plan.steps[0]?.input).toEqual({
      app: "web-api",
      type: "v6",
    });
  });

  it("releases an address, finding the app that holds it", async () => {
    const { plan } = await planFor("release IP 66.241.124.10");
    expect(plan.steps[0]).toMatchObject({ tool: "ips_release", input: { app: "web", ip: "66.241.124.10" } });
    expect(await refusal("release ip 10.0.0.1 from web")).toContain("I found no IP address 10.0.0.1");
  });

  it("adds and removes certificates", async () => {
    const add = await planFor("add a certificate for api.example.com to web-api");
    expect(add.plan.steps[0]).toMatchObject({
      tool: "certs_add",
      input: { app: "web-api", hostname: "api.example.com" },
    });
    const remove = await planFor("remove the certificate for www.example.com");
    expect(remove.plan.steps[0]).toMatchObject({
      tool: "certs_remove",
      input: { app: "web", hostname: "www.example.com" },
    });
    expect(await refusal("add a cert for www.example.com to web")).toContain("already has a certificate");
  });
});

describe("local maker: secrets", () => {
  it("sets a secret from an environment variable, never a value", async () => {
    const { plan } = await planFor("set secret DATABASE_URL on web from env DATABASE_URL");
    expect(plan.steps).toEqual([
      expect.objectContaining({
        tool: "secrets_set",
        input: { app: "web", secrets: { DATABASE_URL: { fromEnv: "DATABASE_URL" } } },
      }),
    ]);
    const renamed = await planFor("set secret DB_URL on web-api from env PROD_DATABASE_URL");
    expect(renamed.plan.steps[0]?.input).toEqual({
      app: "web-api",
      secrets: { DB_URL: { fromEnv: "PROD_DATABASE_URL" } },
    });
    const file = await planFor("set secret TLS_KEY on web from file ./certs/key.pem");
    expect(file.plan.steps[0]?.input).toEqual({
      app: "web",
      secrets: { TLS_KEY: { fromFile: "./certs/key.pem" } },
    });
  });

  it("reads a value written as NAME=value from env NAME at apply time; the value is in no plan", async () => {
    const { plan } = await planFor("set secret API_KEY=abc123 on web");
    expect(plan.steps).toMatchObject([
      { tool: "secrets_set", input: { app: "web", secrets: { API_KEY: { fromEnv: "API_KEY" } } } },
    ]);
    expect(JSON.stringify(plan)).not.toContain("abc123");
  });

  it("refuses a literal secret value it cannot withhold", async () => {
    expect(await refusal('set secret API_KEY on web to "abc123"')).toContain(
      "will not put a secret value into a plan",
    );
  });

  it("unsets secrets that exist and leaves out those that do not", async () => {
    const { plan } = await planFor("unset secrets SESSION_SECRET and NOPE on web");
    expect(plan.steps[0]?.input).toEqual({ app: "web", names: ["SESSION_SECRET"] });
    expect(plan.steps[0]?.reason).toContain("NOPE is not set");
    expect(await refusal("remove secret NOPE from web")).toContain("has no secret named NOPE");
  });

  it("uses the default app, and says when an app does not exist", async () => {
    const { plan } = await planFor("set secret REDIS_URL from env REDIS_URL", "worker");
    expect(plan.steps[0]?.input).toMatchObject({ app: "worker" });
    expect(await refusal("set secret REDIS_URL on ghost-app from env REDIS_URL")).toContain(
      "There is no app named ghost-app",
    );
  });
});

describe("local maker: proposals and limits", () => {
  it("reports a proposal the validator blocks instead of retrying it", async () => {
    const made = await make(model, "destroy volume vol_5k5k5k5k5k5k5k5k", { allowDestructive: false });
    expect(made.plan).toBeUndefined();
    expect(made.calls.filter((c) => c.tool === "propose_plan")).toEqual([
      { tool: "propose_plan", ok: false },
    ]);
    expect(made.text).toContain("proposed no valid plan in 1 attempt");
  });

  it("cannot make plans for requests outside its shapes, or for several changes at once", async () => {
    for (const request of [
      "scale web to three machines in every region and add a postgres cluster",
      "stop machine 148ed193b95e89 and destroy volume vol_5k5k5k5k5k5k5k5k",
    ]) {
      const made = await make(model, request);
      expect(made.error, request).toBeInstanceOf(LocalModelCannotAnswer);
      expect((made.error as LocalModelCannotAnswer).hint).toContain(
        "set a secret from an environment variable",
      );
    }
  });
});
