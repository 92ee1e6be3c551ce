import { describe, expect, it } from "vitest";
import { FLYCTL_ROOT } from "../../src/plan/flyctl/commands.js";
import { flagValue, flagValues, parseFlyctl } from "../../src/plan/flyctl/parse.js";
import { flyctlRisk, judgeFlyctl } from "../../src/plan/flyctl/rules.js";
import { screenCommand, splitCommandLine } from "../../src/security/remote-command.js";
import type { CommandSpec } from "../../src/plan/flyctl/spec.js";

function summary(args: string[]): {
  path: string;
  flags: Record<string, string[]>;
  positionals: string[];
  errors: readonly string[];
} {
  const parsed = parseFlyctl(args);
  const flags: Record<string, string[]> = {};
  for (const use of parsed.uses) (flags[use.flag.name] ??= []).push(use.value);
  return {
    path: parsed.path.join(" "),
    flags,
    positionals: parsed.positionals.map((a) => a.text),
    errors: parsed.errors,
  };
}

describe("parseFlyctl: cobra's command lookup", () => {
  it("resolves aliases to the canonical command path", () => {
    expect(summary(["m", "rm", "id1", "-a", "x"]).path).toBe("machine destroy");
    expect(summary(["vol", "delete", "vol_1"]).path).toBe("volumes destroy");
    expect(summary(["app", "remove", "x"]).path).toBe("apps destroy");
    expect(summary(["pg", "connect"]).path).toBe("postgres connect");
    expect(summary(["wg", "create"]).path).toBe("wireguard create");
  });

  it("maps hidden top-level spellings to the command they stand for", () => {
    expect(summary(["destroy", "x", "-y"])).toEqual({
      path: "apps destroy",
      flags: { yes: ["true"] },
      positionals: ["x"],
      errors: [],
    });
    expect(summary(["releases", "-a", "x"]).path).toBe("apps releases");
  });

  it("skips the value of a flag that takes one when looking for subcommand words", () => {
    // At the root, --app is unknown: cobra assumes it takes a value, so "machine" is the next word.
    expect(summary(["--app", "destroy", "machine", "list"])).toMatchObject({
      path: "machine list",
      flags: { app: ["destroy"] },
    });
    // A known boolean does not take the next word.
    expect(summary(["--verbose", "apps", "list"]).path).toBe("apps list");
  });

  it("knows --help only on the command it runs", () => {
    expect(summary(["apps", "list", "-h"])).toMatchObject({
      path: "apps list",
      flags: { help: ["true"] },
      errors: [],
    });
    // While looking for subcommands, -h is unknown and takes "apps" as its value.
    expect(parseFlyctl(["-h", "apps", "list"]).unknownCommand).toBe(true);
  });

  it("removes only the first occurrence of a command word", () => {
    expect(summary(["apps", "destroy", "apps", "-y"])).toMatchObject({
      path: "apps destroy",
      positionals: ["apps"],
    });
  });

  it("stops at an unknown word", () => {
    const parsed = parseFlyctl(["machine", "bogus", "-a", "x"]);
    expect(parsed.unknownCommand).toBe(true);
    expect(parsed.errors[0]).toContain("unknown command `machine bogus`");
  });
});

describe("parseFlyctl: pflag's flag syntax", () => {
  it.each([[["-a", "x"]], [["-a=x"]], [["-ax"]], [["--app", "x"]], [["--app=x"]]])(
    "reads %j as --app=x",
    (app) => {
      expect(summary(["machine", "list", ...app]).flags).toEqual({ app: ["x"] });
    },
  );

  it("groups short booleans, the last one may take a value", () => {
    expect(summary(["machine", "destroy", "-fa", "x", "id1"]).flags).toEqual({ force: ["true"], app: ["x"] });
    expect(summary(["machine", "destroy", "-fax", "id1"]).flags).toEqual({ force: ["true"], app: ["x"] });
    expect(summary(["logs", "-jn"]).flags).toEqual({ json: ["true"], "no-tail": ["true"] });
  });

  it("takes the next word as a value even when it looks like a flag", () => {
    expect(summary(["machine", "list", "-a", "--json"])).toMatchObject({
      flags: { app: ["--json"] },
      errors: [],
    });
  });

  it("reads explicit boolean values and refuses bad ones", () => {
    expect(summary(["apps", "destroy", "x", "--yes=false"]).flags).toEqual({ yes: ["false"] });
    expect(summary(["apps", "destroy", "x", "-y=0"]).flags).toEqual({ yes: ["false"] });
    expect(summary(["apps", "destroy", "x", "--yes=maybe"]).errors).toEqual([
      'invalid value "maybe" for boolean flag --yes',
    ]);
  });

  it("resolves flag aliases to the canonical long name", () => {
    expect(summary(["apps", "destroy", "x", "--auto-confirm"]).flags).toEqual({ yes: ["true"] });
    expect(summary(["logs", "-i", "id1", "-n"]).flags).toEqual({ machine: ["id1"], "no-tail": ["true"] });
    expect(summary(["m", "update", "id1", "--memory", "512"]).flags).toEqual({ "vm-memory": ["512"] });
  });

  it("settles aliases as flyctl's ApplyAliases does: the flag's own name wins, else the first alias given", () => {
    const yes = (...flags: string[]) => flagValue(parseFlyctl(["apps", "destroy", "x", ...flags]), "yes");
    expect(yes("--yes=false", "--auto-confirm")).toBe("false");
    expect(yes("--auto-confirm", "--yes=false")).toBe("false");
    expect(yes("--auto-confirm", "-y=0")).toBe("false");
    expect(yes("--auto-confirm=false", "--auto-confirm")).toBe("true");
    expect(yes("--auto-confirm=false", "--yes")).toBe("true");
    expect(yes("--auto-confirm")).toBe("true");
    expect(yes()).toBeUndefined();
    // `logs -i` is the shorthand of the alias --instance, not of --machine.
    const logs = (...flags: string[]) => flagValue(parseFlyctl(["logs", "-n", ...flags]), "machine");
    expect(logs("--machine", "m1", "-i", "m2")).toBe("m1");
    expect(logs("-i", "m2", "--instance", "m3")).toBe("m3");
    expect(logs("-i", "m2")).toBe("m2");
    const memory = flagValue(
      parseFlyctl(["m", "update", "id1", "--vm-memory", "1024", "--memory", "512"]),
      "vm-memory",
    );
    expect(memory).toBe("1024");
  });

  it("keeps an alias's own name in the line it shows, and says which one flyctl ignores", () => {
    const [, confirm] = judgeFlyctl(["apps", "destroy", "x", "--yes=false", "--auto-confirm"], {
      allowDestructive: false,
    });
    expect(confirm?.message).toMatch(/^flyctl apps destroy x --yes=false --auto-confirm: /);
    expect(confirm?.message).toContain("flyctl ignores --auto-confirm when --yes is given");
  });

  it("gives an optional-value flag its default without eating the next word", () => {
    expect(summary(["machine", "run", "nginx", "--autostop", "-a", "x"]).flags).toEqual({
      autostop: ["stop"],
      app: ["x"],
    });
  });

  it("ends flags at --", () => {
    expect(summary(["scale", "count", "-a", "x", "--", "-1", "--yes"])).toMatchObject({
      flags: { app: ["x"] },
      positionals: ["-1", "--yes"],
    });
  });

  it("inherits the root's persistent flags everywhere", () => {
    const parsed = parseFlyctl(["apps", "list", "--verbose", "--debug", "-t", "abc"]);
    expect(flagValue(parsed, "access-token")).toBe("abc");
    expect(parsed.masks).toEqual([{ index: 5, start: 0 }]);
  });

  it("keeps repeated values in order", () => {
    const parsed = parseFlyctl(["machine", "run", "nginx", "-e", "A=1", "--env=B=2", "-eC=3"]);
    expect(flagValues(parsed, "env")).toEqual(["A=1", "B=2", "C=3"]);
  });

  it("reports what flyctl would refuse", () => {
    expect(summary(["status", "-z"]).errors).toEqual(["unknown shorthand flag: 'z' in -z"]);
    expect(summary(["status", "--nope"]).errors).toEqual(["unknown flag: --nope"]);
    expect(summary(["machine", "list", "-a"]).errors).toEqual(["flag needs an argument: 'a' in -a"]);
    expect(summary(["status", "x"]).errors).toEqual(["accepts no arguments, received 1"]);
    expect(summary(["certs", "add"]).errors).toEqual(["accepts 1 arg(s), received 0"]);
  });
});

describe("the command table", () => {
  function walk(
    node: CommandSpec,
    visit: (node: CommandSpec, siblings: readonly CommandSpec[]) => void,
  ): void {
    for (const child of node.commands ?? []) {
      visit(child, node.commands ?? []);
      walk(child, visit);
    }
  }

  it("has no name or alias twice among siblings, and no shorthand twice in one command", () => {
    walk(FLYCTL_ROOT, (node, siblings) => {
      const names = siblings.flatMap((s) => [s.name, ...(s.aliases ?? [])]);
      expect(names.filter((n) => n === node.name)).toHaveLength(1);
      const shorts = (node.flags ?? []).flatMap((f) => [f.short, f.aliasShort]).filter(Boolean);
      expect(new Set(shorts).size, node.name).toBe(shorts.length);
      expect(shorts, node.name).not.toContain("t");
    });
  });
});

describe("remote commands", () => {
  const screen = (text: string) =>
    screenCommand({ source: "the remote command", words: splitCommandLine(text), programs: [0] });
  const rules = (text: string) => [...new Set(screen(text).map((p) => p.rule))];

  it.each(["env", "printenv HOME", "cat /proc/self/environ", "echo ${SECRET}", "set", "declare -p"])(
    "%s prints the environment",
    (cmd) => {
      expect(rules(cmd)).toContain("flyctl-env-dump");
    },
  );
  // These used to pass as "no dump"; `env` in any form and shell syntax are now refused outright.
  it.each(["env A=1 ./run", "set -euo pipefail; ./run", "export A=1"])("%s is refused", (cmd) => {
    expect(screen(cmd)).not.toEqual([]);
  });
  it.each([
    "uptime",
    "df -h /data",
    "./bin/migrate --to=42",
    "python3 manage.py migrate",
    "bundle exec rake db:migrate",
  ])("%s has the plain shape", (cmd) => {
    expect(screen(cmd)).toEqual([]);
  });
});

describe("judgeFlyctl messages", () => {
  it("name the canonical form and the line as written", () => {
    const [hit] = judgeFlyctl(["destroy", "my-app", "-y"], { allowDestructive: false });
    expect(hit?.message).toMatch(/^flyctl apps destroy my-app --yes \(from `destroy my-app -y`\): /);
  });

  it("never echo a secret value, a token flag's value or a password", () => {
    const messages = [
      ...judgeFlyctl(["secrets", "set", "DB=s3cr3t-value", "-a", "x"], { allowDestructive: true }),
      ...judgeFlyctl(["apps", "list", "--access-token=plain-secret"], { allowDestructive: true }),
      ...judgeFlyctl(["auth", "login", "--password", "hunter22"], { allowDestructive: true }),
      ...judgeFlyctl(["bogus", "--password=hunter22"], { allowDestructive: true }),
    ].map((hit) => hit.message);
    expect(messages.join("\n")).not.toMatch(/s3cr3t-value|plain-secret|hunter22/);
  });

  it("derive risk from the parsed command", () => {
    expect(flyctlRisk(["m", "rm", "id1", "-a", "x"])).toBe("destructive");
    expect(flyctlRisk(["scale", "count", "0", "-a", "x"])).toBe("destructive");
    expect(flyctlRisk(["scale", "count", "2", "-a", "x"])).toBe("write");
    expect(flyctlRisk(["status", "-a", "x"])).toBe("read");
    expect(flyctlRisk(["bogus"])).toBeUndefined();
  });
});
