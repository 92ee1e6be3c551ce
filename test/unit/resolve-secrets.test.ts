import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RefusedError } from "../../src/errors.js";
import { resolveSecrets, type SecretSource } from "../../src/plan/apply/resolve-secrets.js";
import { heldCredentials } from "../../src/security/secret-sources.js";

// Built at run time: no token-shaped literal in the repository.
const FLY_TOKEN = "fo1_" + "t".repeat(43);
const MODEL_KEY = "sk-" + "m".repeat(40);

let root: string;
let home: string;
let work: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "flyops-resolve-secrets-"));
  home = join(root, "home");
  work = join(root, "work");
  mkdirSync(join(home, ".fly"), { recursive: true });
  mkdirSync(join(root, "xdg", "flyops"), { recursive: true });
  mkdirSync(work);
  writeFileSync(join(home, ".fly", "config.yml"), `access_token: ${FLY_TOKEN}\n`);
  writeFileSync(join(root, "xdg", "flyops", "config.yaml"), `fly:\n  api_token: ${FLY_TOKEN}\n`);
  writeFileSync(join(work, "db.txt"), "postgres://db.internal/app\n");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function resolveOne(source: SecretSource, env: NodeJS.ProcessEnv = {}, credentials = [FLY_TOKEN, MODEL_KEY]) {
  return resolveSecrets(
    { X: source },
    { env: { HOME: home, XDG_CONFIG_HOME: join(root, "xdg"), ...env }, cwd: work, credentials },
  );
}

async function refusal(promise: Promise<unknown>): Promise<RefusedError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RefusedError);
  const refused = error as RefusedError;
  expect(refused.message).toMatch(/^secret X: /);
  expect(`${refused.message} ${refused.hint ?? ""}`).not.toContain(FLY_TOKEN);
  expect(`${refused.message} ${refused.hint ?? ""}`).not.toContain(MODEL_KEY);
  return refused;
}

describe("resolveSecrets", () => {
  it("reads ordinary references", async () => {
    expect(await resolveOne({ fromFile: "db.txt" })).toEqual({ X: "postgres://db.internal/app" });
    expect(await resolveOne({ fromEnv: "DATABASE_URL" }, { DATABASE_URL: "v" })).toEqual({ X: "v" });
  });

  it("refuses credential variables even if the validator was bypassed", async () => {
    // A harmless value and no held credentials: only the name can refuse it.
    for (const name of ["FLY_API_TOKEN", "FLY_ACCESS_TOKEN", "OPENAI_API_KEY", "FLYOPS_MODEL_API_KEY"]) {
      const error = await refusal(resolveOne({ fromEnv: name }, { [name]: "harmless-value" }, []));
      expect(error.message).toContain(name);
      expect(error.message).toContain("refusing to read environment variable");
    }
  });

  it("refuses a value that is, or contains, a credential the process holds, whatever its name", async () => {
    const copied = await refusal(resolveOne({ fromEnv: "INNOCENT" }, { INNOCENT: FLY_TOKEN }));
    expect(copied.message).toContain("environment variable INNOCENT");
    expect(copied.message).toContain("credential");
    writeFileSync(join(work, "notes.txt"), `my key is ${MODEL_KEY} ok`);
    await refusal(resolveOne({ fromFile: "notes.txt" }));
  });

  it("follows symlinks before reading, and refuses what they lead to", async () => {
    symlinkSync(join(home, ".fly", "config.yml"), join(work, "innocent.txt"));
    const error = await refusal(resolveOne({ fromFile: "innocent.txt" }, {}, []));
    expect(error.message).toContain("refusing to read");
    expect(error.message).toContain(".fly");
    // A neutrally named link to flyops's config folder: the path as written says nothing, only
    // the real path does.
    symlinkSync(join(root, "xdg", "flyops"), join(work, "cfgdir"));
    const folder = await refusal(resolveOne({ fromFile: "cfgdir/config.yaml" }, {}, []));
    expect(folder.message).toContain("it leads to");
  });

  it("refuses a hard link to a credential file, which no path check can see", async () => {
    linkSync(join(home, ".fly", "config.yml"), join(work, "hard.txt"));
    const fly = await refusal(resolveOne({ fromFile: "hard.txt" }, {}, []));
    expect(fly.message).toContain("hard link");
    linkSync(join(root, "xdg", "flyops", "config.yaml"), join(work, "hard2.txt"));
    expect((await refusal(resolveOne({ fromFile: "hard2.txt" }, {}, []))).message).toContain("hard link");
    writeFileSync(join(work, "ops.yaml"), "fly:\n  api_token: x\n");
    linkSync(join(work, "ops.yaml"), join(work, "hard3.txt"));
    const config = { FLYOPS_CONFIG: join(work, "ops.yaml") };
    expect((await refusal(resolveOne({ fromFile: "hard3.txt" }, config, []))).message).toContain("hard link");
    mkdirSync(join(home, ".docker"));
    writeFileSync(join(home, ".docker", "config.json"), "{}");
    linkSync(join(home, ".docker", "config.json"), join(work, "hard4.txt"));
    expect((await refusal(resolveOne({ fromFile: "hard4.txt" }, {}, []))).message).toContain("hard link");
    // An ordinary hard link is still read.
    linkSync(join(work, "db.txt"), join(work, "db-link.txt"));
    expect(await resolveOne({ fromFile: "db-link.txt" }, {}, [])).toEqual({
      X: "postgres://db.internal/app",
    });
  });

  it("refuses the common credential stores of the home folder", async () => {
    for (const store of [
      ".netrc",
      ".aws/credentials",
      ".aws/config",
      ".kube/config",
      ".config/gcloud/x.json",
      ".npmrc",
      ".git-credentials",
    ]) {
      mkdirSync(join(home, store, ".."), { recursive: true });
      writeFileSync(join(home, store), "machine x login y password z\n");
      symlinkSync(join(home, store), join(work, "store.txt"));
      const error = await refusal(resolveOne({ fromFile: "store.txt" }, {}, []));
      expect(error.message).toContain("credential store");
      rmSync(join(work, "store.txt"));
    }
  });

  it("holds flyctl's token from ~/.fly/config.yml, so a copy of it is refused by value", async () => {
    expect(heldCredentials({ HOME: home })).toContain(FLY_TOKEN);
    writeFileSync(join(home, ".fly", "config.yml"), "access_token: [unclosed\n");
    expect(heldCredentials({ HOME: home })).toEqual([]);
    writeFileSync(join(home, ".fly", "config.yml"), `access_token: ${FLY_TOKEN}\n`);
    writeFileSync(join(work, "copy.txt"), `${FLY_TOKEN}\n`);
    await refusal(resolveOne({ fromFile: "copy.txt" }, {}, heldCredentials({ HOME: home })));
  });

  it("refuses the flyops config file wherever FLYOPS_CONFIG puts it", async () => {
    writeFileSync(join(work, "ops.yaml"), `fly:\n  api_token: x\n`);
    await refusal(resolveOne({ fromFile: "ops.yaml" }, { FLYOPS_CONFIG: join(work, "ops.yaml") }, []));
  });

  it("refuses what is not a regular file, and the kernel's pseudo-files", async () => {
    await refusal(resolveOne({ fromFile: "." }, {}, []));
    await refusal(resolveOne({ fromFile: "/proc/self/environ" }, {}, []));
    await refusal(resolveOne({ fromFile: "/dev/stdin" }, {}, []));
  });
});
