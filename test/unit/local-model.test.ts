import { describe, expect, it } from "vitest";
import { FlyopsError } from "../../src/errors.js";
import {
  CONFIGURE_REAL_MODEL_HINT,
  LocalModelCannotAnswer,
  LOCAL_MODEL_SHAPES,
  createLocalModel,
  supportedShapeLines,
} from "../../src/llm/local/index.js";
import { toolsByAccess } from "../../tools/index.js";
import { FLEET, ask, scaleFleet, type Fleet } from "./local-model-fixture.js";

const model = createLocalModel();

function lineOf(answer: string, needle: string): string {
  const line = answer.split("\n").find((l) => l.includes(needle));
  if (!line) throw new Error(`no line with ${needle} in:\n${answer}`);
  return line;
}

describe("local model: identity", () => {
  it("is local:rules and lists its shapes from one registry", () => {
    expect(model.id).toBe("local:rules");
    const ids = LOCAL_MODEL_SHAPES.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(supportedShapeLines("ask").length).toBe(LOCAL_MODEL_SHAPES.filter((s) => s.mode === "ask").length);
  });
});

describe("local model: apps and regions", () => {
  it("names every app with its regions, in one apps_list call with placement", async () => {
    const result = await ask(model, "what apps are running and in which regions?");
    expect(result.calls.map((c) => c.tool)).toEqual(["apps_list"]);
    expect(result.calls[0]?.input).toEqual({ include: ["regions"] });
    expect(lineOf(result.answer, "- web:")).toContain("iad, ord");
    expect(lineOf(result.answer, "- web-api:")).toContain("ams");
    expect(lineOf(result.answer, "- worker:")).toContain("syd");
    expect(lineOf(result.answer, "- empty-app:")).toContain("no machines");
    expect(result.model).toBe("local:rules");
  });
});

describe("local model: machines by size", () => {
  it("puts the machine with the most memory first, asking the tool to sort", async () => {
    const result = await ask(model, "which machines have the most memory?");
    expect(result.calls.map((c) => c.tool)).toEqual(["apps_list", "org_machines_list"]);
    expect(result.calls[1]?.input).toMatchObject({ sort: "memory", order: "desc" });
    const ranked = result.answer.split("\n").filter((l) => /^\d+\. /.test(l));
    expect(ranked[0]).toContain("6e82d6d3ae1e58");
    expect(ranked[0]).toContain("8 GB");
    expect(ranked[1]).toContain("9080e6d4a47e48");
    expect(ranked).toHaveLength(5);
  });

  it("ranks by CPU, honours 'top N' and an app named in the question", async () => {
    const result = await ask(model, "top 2 machines of web by cpu");
    expect(result.calls[1]).toMatchObject({ tool: "machines_list", input: { app: "web", sort: "cpu" } });
    const ranked = result.answer.split("\n").filter((l) => /^\d+\. /.test(l));
    expect(ranked).toHaveLength(2);
    expect(ranked[0]).toContain("3d8d9015b6e089");
  });

  it("ranks least memory first when asked", async () => {
    const result = await ask(model, "which machine has the least memory?");
    expect(result.answer.split("\n").find((l) => l.startsWith("1. "))).toContain("e2865013c49e86");
  });
});

describe("local model: machines by state and region", () => {
  it("lists stopped machines across the fleet", async () => {
    const result = await ask(model, "which machines are stopped?");
    expect(result.calls[1]).toMatchObject({ tool: "org_machines_list", input: { state: ["stopped"] } });
    expect(result.answer).toContain("2 stopped machines");
    expect(result.answer).toContain("e2865013c49e86");
    expect(result.answer).toContain("6e82d6d3ae1e58");
    expect(result.answer).not.toContain("148ed193b95e89");
  });

  it("filters by region and app, extracted from the question", async () => {
    const inIad = await ask(model, "show me started machines in iad");
    expect(inIad.calls[1]?.input).toMatchObject({ state: ["started"], region: "iad" });
    expect(inIad.answer).toContain("148ed193b95e89");
    expect(inIad.answer).not.toContain("3d8d9015b6e089");

    const ofApp = await ask(model, "which machines of web-api are suspended?");
    expect(ofApp.calls[1]).toMatchObject({
      tool: "machines_list",
      input: { app: "web-api", state: ["suspended"] },
    });
    expect(ofApp.answer).toContain("1781e79f2d3dd8");
    expect(ofApp.answer).toContain("in app web-api");
  });

  it("keeps to the default app when the question names none", async () => {
    const result = await ask(model, "which machines are stopped?", { app: "web" });
    expect(result.calls[1]).toMatchObject({
      tool: "machines_list",
      input: { app: "web", state: ["stopped"] },
    });
    expect(result.answer).toContain("1 stopped machine in app web:");
    const fleet = await ask(model, "what apps are running and in which regions?", { app: "web" });
    expect(fleet.answer).toMatch(/^You have 4 apps:/);
  });

  it("says plainly when there are none", async () => {
    const result = await ask(model, "which machines are suspended in syd?");
    expect(result.answer).toBe("There are no suspended machines in syd.");
  });

  it("counts machines per region", async () => {
    const result = await ask(model, "how many machines per region?");
    expect(result.calls[1]).toEqual({ tool: "org_machines_list", input: { count_by: "region" }, ok: true });
    expect(result.answer).toContain("6 machines in 4 regions");
    expect(lineOf(result.answer, "- iad:")).toContain("2 (1 started, 1 stopped)");
    expect(lineOf(result.answer, "- ams:")).toContain("2 (1 started, 1 suspended)");
  });

  it("counts with the state filter when the tool takes that state", async () => {
    const result = await ask(model, "how many failed machines per region?");
    expect(result.calls[1]).toEqual({
      tool: "org_machines_list",
      input: { count_by: "region", state: ["failed"] },
      ok: true,
    });
    expect(result.answer).toBe("There are no failed machines.");
  });

  it("counts per app, state or size, with the question's state, region and app as filters", async () => {
    const perApp = await ask(model, "how many machines does each app have?");
    expect(perApp.answer).toBe(
      [
        "6 machines in 3 apps:",
        "- web: 3 (2 started, 1 stopped)",
        "- web-api: 2 (1 started, 1 suspended)",
        "- worker: 1 (1 stopped)",
      ].join("\n"),
    );
    const perState = await ask(model, "how many machines per state?");
    expect(perState.answer).toBe(
      ["6 machines in 3 states:", "- started: 3", "- stopped: 2", "- suspended: 1"].join("\n"),
    );
    const bySize = await ask(model, "how many started machines by size?");
    expect(bySize.calls[1]?.input).toEqual({ count_by: "size", state: ["started"] });
    expect(lineOf(bySize.answer, "performance-2x:4096MB")).toBe("- performance-2x:4096MB: 1 (1 started)");
    expect(bySize.answer.split("\n")[0]).toBe("3 started machines in 3 sizes:");
    const ofApp = await ask(model, "how many machines per region?", { app: "web" });
    expect(ofApp.calls[1]).toEqual({
      tool: "machines_list",
      input: { app: "web", count_by: "region" },
      ok: true,
    });
    expect(ofApp.answer.split("\n")[0]).toBe("3 machines in app web in 2 regions:");
    const twoRegions = await ask(model, "how many machines in iad and ams?");
    expect(twoRegions.calls[1]?.input).toEqual({ count_by: "region" });
    expect(twoRegions.answer.split("\n")[0]).toBe("4 machines in iad and ams in 2 regions:");
  });
});

describe("local model: volumes", () => {
  it("lists exactly the unattached volumes", async () => {
    const result = await ask(model, "do I have any unattached volumes?");
    const listed = result.answer.split("\n").filter((l) => l.startsWith("- "));
    expect(listed.map((l) => /vol_\w+/.exec(l)?.[0]).sort()).toEqual([
      "vol_5k5k5k5k5k5k5k5k",
      "vol_9z8y7x6w5v4u3t2s",
    ]);
    expect(result.answer).toContain("2 unattached volumes");
  });

  it("counts volumes per region or app in one count_by call, with their sizes", async () => {
    const perRegion = await ask(model, "how many volumes per region?");
    expect(perRegion.calls.map((c) => [c.tool, c.input])).toEqual([
      ["apps_list", {}],
      ["org_volumes_list", { count_by: "region" }],
    ]);
    expect(perRegion.answer).toBe(
      ["4 volumes (19 GB) in 3 regions:", "- iad: 2 (15 GB)", "- ams: 1 (3 GB)", "- syd: 1 (1 GB)"].join(
        "\n",
      ),
    );
    const unattached = await ask(model, "how many unattached volumes does each app have?");
    expect(unattached.calls[1]?.input).toEqual({ count_by: "app", attached: false, limit: 200 });
    expect(unattached.answer).toBe(
      ["2 unattached volumes (8 GB) in 2 apps:", "- web: 1 (5 GB)", "- web-api: 1 (3 GB)"].join("\n"),
    );
  });

  it("says there are none when every volume is attached", async () => {
    const fleet: Fleet = { ...FLEET, volumes: FLEET.volumes.filter((v) => v.attached) };
    const result = await ask(model, "any detached volumes?", { fleet });
    expect(result.answer).toBe("You have no unattached volumes (checked all 4 apps).");
    expect(result.calls[1]).toEqual({ tool: "org_volumes_list", input: { attached: false }, ok: true });
  });
});

describe("local model: secrets, IPs, certificates", () => {
  it("lists secret names of the app named", async () => {
    const result = await ask(model, "what secrets does web have?");
    expect(result.calls.map((c) => [c.tool, c.input])).toEqual([
      ["apps_list", {}],
      ["secrets_list", { app: "web" }],
    ]);
    expect(result.answer).toContain("web: 2 secrets: DATABASE_URL, SESSION_SECRET");
    expect(result.answer).not.toContain("web-api");
  });

  it("uses the default app when none is named", async () => {
    const result = await ask(model, "what secrets are set?", { app: "web-api" });
    expect(result.answer).toContain("web-api: 1 secret: STRIPE_API_KEY");
  });

  it("lists IPs and certificates of an app", async () => {
    const result = await ask(model, "what IPs and certificates does web have?");
    expect(
      result.calls
        .slice(1)
        .map((c) => c.tool)
        .sort(),
    ).toEqual(["certs_list", "ips_list"]);
    expect(result.answer).toContain("2a09:8280:1::3a:f001");
    expect(result.answer).toContain("66.241.124.10 (v4, shared");
    expect(result.answer).toContain("www.example.com (Ready)");
  });

  it("asks only for certificates when only they are asked about", async () => {
    const result = await ask(model, "which certificates does web-api have?");
    expect(result.calls.map((c) => c.tool)).toEqual(["apps_list", "certs_list"]);
    expect(result.answer).toContain("certificates: none");
  });
});

describe("local model: tell me about", () => {
  it("describes an app from several read tools in one turn", async () => {
    const result = await ask(model, "tell me about web-api");
    expect(result.steps).toBe(3);
    expect(result.calls.map((c) => c.tool)).toEqual([
      "apps_list",
      "apps_get",
      "machines_list",
      "volumes_list",
      "ips_list",
      "certs_list",
    ]);
    expect(result.answer).toContain("App web-api (org personal, status deployed)");
    expect(result.answer).toContain("9080e6d4a47e48 (api-ams-1)");
    expect(result.answer).toContain("vol_5k5k5k5k5k5k5k5k (3 GB, not attached)");
  });

  it("describes a machine by id, finding its app first", async () => {
    const result = await ask(model, "tell me about machine 6e82d6d3ae1e58");
    expect(result.calls.map((c) => c.tool)).toEqual(["apps_list", "org_machines_list", "machines_get"]);
    expect(result.calls[2]?.input).toEqual({ app: "worker", machine_id: "6e82d6d3ae1e58" });
    expect(result.answer).toContain("Machine 6e82d6d3ae1e58 (worker-1) of app worker");
    expect(result.answer).toContain("- state: stopped");
    expect(result.answer).toContain("1 performance CPU, 8 GB");
    expect(result.answer).toContain("- volumes: vol_7m7m7m7m7m7m7m7m:/scratch");
  });

  it("says so when the machine id is not in the fleet", async () => {
    const result = await ask(model, "describe 0123456789abcd");
    expect(result.answer).toContain("I found no machine 0123456789abcd");
  });
});

describe("local model: gaps and follow-ups", () => {
  it("answers what it could read and names what failed", async () => {
    const fleet: Fleet = { ...FLEET, broken: ["web-api"] };
    const result = await ask(model, "what secrets do my apps have?", { fleet });
    expect(result.answer).toContain("web: 2 secrets");
    expect(result.answer).toContain("web-api: secrets could not be read");
    expect(result.answer).toMatch(/I could not read all secrets:\n- web-api: /);
  });

  it("takes a short follow-up as a refinement of the earlier question", async () => {
    const history = [{ question: "which machines are stopped?", answer: "2 stopped machines: ..." }];
    const result = await ask(model, "and in iad?", { history });
    expect(result.calls[1]?.input).toMatchObject({ state: ["stopped"], region: "iad" });
    expect(result.answer).toContain("e2865013c49e86");
    expect(result.answer).not.toContain("6e82d6d3ae1e58");

    const swapped = await ask(model, "what about suspended ones?", { history });
    expect(swapped.calls[1]?.input).toMatchObject({ state: ["suspended"] });
  });

  it("lets a follow-up's app replace the earlier question's app", async () => {
    const history = [{ question: "what secrets does web have?", answer: "web: 2 secrets" }];
    const result = await ask(model, "what about web-api?", { history });
    expect(result.calls.map((c) => c.tool)).toEqual(["apps_list", "secrets_list"]);
    expect(result.calls[1]?.input).toEqual({ app: "web-api" });
    expect(result.answer).toContain("STRIPE_API_KEY");
  });

  it("refines only the question just before: after a refused one, a follow-up is refused too", async () => {
    const refused = [
      { question: "which machines are stopped?", answer: "2 stopped machines: ..." },
      { question: "show me the DNS records of web", answer: "(not answered) ..." },
    ];
    const afterRefusal = await ask(model, "and in iad?", { history: refused }).catch((e: unknown) => e);
    expect(afterRefusal).toBeInstanceOf(LocalModelCannotAnswer);
    expect((afterRefusal as Error).message).toContain(
      'follow-up to the question before it ("show me the DNS records of web")',
    );

    const unknown = [
      { question: "which machines are stopped?", answer: "..." },
      { question: "what is the weather like?", answer: "(not answered) ..." },
    ];
    await expect(ask(model, "what about web-api?", { history: unknown })).rejects.toBeInstanceOf(
      LocalModelCannotAnswer,
    );

    const chained = [
      { question: "which machines are stopped?", answer: "..." },
      { question: "and in iad?", answer: "..." },
    ];
    const result = await ask(model, "what about syd?", { history: chained });
    expect(result.calls[1]?.input).toMatchObject({ state: ["stopped"], region: "syd" });
    expect(result.answer).toContain("6e82d6d3ae1e58");
    expect(result.answer).not.toContain("e2865013c49e86");
  });

  it("answers a full new question directly even when it starts with 'and'", async () => {
    const history = [{ question: "which machines are stopped?", answer: "..." }];
    const result = await ask(model, "and how many machines per region?", { history });
    expect(result.answer).toContain("6 machines in 4 regions");
  });
});

describe("local model: fleets larger than one page of a view", () => {
  const big = scaleFleet(60, 2);

  it("counts every app and says the list shown is partial", async () => {
    const result = await ask(model, "what apps are running and in which regions?", { fleet: big });
    expect(result.answer).toMatch(/^You have 60 apps; the first 50:/);
    expect(result.answer).toContain("Note: this covers only part of your apps (the tool returned 50 of 60)");
  });

  it("reports the full count of stopped machines while listing a page", async () => {
    const result = await ask(model, "which machines are stopped?", { fleet: big });
    expect(result.answer).toMatch(/^30 stopped machines:/);
    const all = await ask(model, "which machines are started?", { fleet: big });
    expect(all.answer).toMatch(/^90 started machines; the first 50:/);
  });

  it("counts machines per region with one count_by call, however large the fleet", async () => {
    const result = await ask(model, "how many machines per region?", { fleet: big });
    expect(result.calls.map((c) => [c.tool, c.input])).toEqual([
      ["apps_list", {}],
      ["org_machines_list", { count_by: "region" }],
    ]);
    expect(result.answer).toBe(
      [
        "120 machines in 3 regions:",
        "- ams: 40 (30 started, 10 stopped)",
        "- iad: 40 (30 started, 10 stopped)",
        "- ord: 40 (30 started, 10 stopped)",
      ].join("\n"),
    );
  });

  it("counts per app in one call too, where a listing would show only a page", async () => {
    const result = await ask(model, "how many machines does each app have?", { fleet: big });
    expect(result.calls.map((c) => c.tool)).toEqual(["apps_list", "org_machines_list"]);
    expect(result.calls[1]?.input).toMatchObject({ count_by: "app" });
    expect(result.answer.split("\n")[0]).toBe("120 machines in 60 apps:");
    expect(result.answer.split("\n").filter((l) => /^- app-\d{3}: 2 \(/.test(l))).toHaveLength(60);
  });

  it("names the largest machines of the whole fleet, sorted by the tool", async () => {
    const result = await ask(model, "which machines have the most memory?", { fleet: big });
    expect(result.answer).toMatch(/^Machines by memory, most first \(top 5 of 120\):/);
    expect(result.answer.split("\n")[1]).toContain("2 GB");
  });

  it("finds a machine beyond the first page by asking each app, or asks for its app", async () => {
    const fleet = scaleFleet(20, 4);
    const last = fleet.machines.at(-1);
    const found = await ask(model, `tell me about machine ${last?.id ?? ""}`, { fleet });
    expect(found.calls.filter((c) => c.tool === "machines_get")).toHaveLength(20);
    expect(found.answer).toContain(`Machine ${last?.id ?? ""} (${last?.name ?? ""}) of app app-019`);

    const many = await ask(model, `tell me about machine ${big.machines.at(-1)?.id ?? ""}`, { fleet: big });
    expect(many.answer).toMatch(/is not among the first 50 of 120 machines listed; name its app/);
  });

  it("asks which app when a per-app question would cover too many apps", async () => {
    const result = await ask(model, "what secrets do my apps have?", { fleet: big });
    expect(result.answer).toBe(
      'You have 60 apps; name the one whose secrets you want, e.g. "what secrets does app-000 have?".',
    );
  });
});

describe("local model: cannot answer", () => {
  it("throws a FlyopsError (exit 1) naming how to configure a real model, without calling tools", async () => {
    const error = await ask(model, "why is my bill so high this month?").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalModelCannotAnswer);
    expect(error).toBeInstanceOf(FlyopsError);
    const e = error as LocalModelCannotAnswer;
    expect(e.exitCode).toBe(1);
    expect(e.message).toContain("why is my bill so high this month?");
    expect(e.hint).toContain(CONFIGURE_REAL_MODEL_HINT);
    for (const needle of ["FLYOPS_MODEL", "--model", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "ollama"])
      expect(e.hint).toContain(needle);
    expect(e.hint).toContain("which volumes are unattached");
  });

  it("cannot describe something that is not in the fleet", async () => {
    await expect(ask(model, "tell me about the weather")).rejects.toBeInstanceOf(LocalModelCannotAnswer);
  });

  it("cannot answer when a tool it needs is not offered", async () => {
    const tools = toolsByAccess("read").filter((t) => t.name !== "secrets_list");
    await expect(ask(model, "what secrets does web have?", { tools })).rejects.toThrow(/secrets_list/);
  });
});
