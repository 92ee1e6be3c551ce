import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { firstDuplicateKey } from "../../src/plan/schema/json-duplicates.js";
import { readPlanFile } from "../../src/plan/schema/plan-file.js";

const dir = mkdtempSync(join(tmpdir(), "flyops-plan-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("firstDuplicateKey", () => {
  it("names the first key written twice in one object, by its path", () => {
    expect(firstDuplicateKey('{"a":1,"a":2}')).toBe("a");
    expect(
      firstDuplicateKey(
        '{"steps":[{"id":"s1","tool":"machines_stop"},{"id":"s2","tool":"machines_stop","input":{},"tool":"machines_destroy"}]}',
      ),
    ).toBe("steps[1].tool");
    expect(firstDuplicateKey('{"x":{"y":[[{"z":1}],{"q":{"k":1,"k":1}}]}}')).toBe("x.y[1].q.k");
    expect(firstDuplicateKey('{"odd key":{"a b":1,"a b":2}}')).toBe('["odd key"]["a b"]');
  });

  it("compares keys after unescaping, as JSON.parse does", () => {
    expect(firstDuplicateKey('{"tool":"machines_stop","t\\u006fol":"machines_destroy"}')).toBe("tool");
    expect(firstDuplicateKey('{"__proto__":1,"__proto__":2}')).toBe("__proto__");
  });

  it("finds nothing in JSON without duplicates, whatever its strings, spaces and scalars hold", () => {
    for (const text of [
      "{}",
      "[]",
      ' { "a" : [ 1 , -2.5e3 , true , false , null , "x\\"y" , "}{" ] , "b" : { } , "c" : [ ] } ',
      '{"a":{"k":1},"b":{"k":1}}',
      '[{"k":1},{"k":2}]',
      '"just a string"',
      "42",
    ]) {
      expect(firstDuplicateKey(text), text).toBeUndefined();
    }
  });
});

describe("readPlanFile", () => {
  it("refuses a plan with a duplicate key as a usage error naming the key's path", async () => {
    const path = join(dir, "dup.json");
    writeFileSync(
      path,
      '{"version":1,"steps":[{"id":"s1","tool":"machines_stop","reason":"r","input":{"app":"a","machine_id":"m"},"tool":"machines_destroy"}]}',
    );
    const error = await readPlanFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as UsageError).message).toContain("has the key steps[0].tool twice");
  });

  it("reads a plan without duplicates as JSON.parse does", async () => {
    const path = join(dir, "ok.json");
    writeFileSync(path, '{"version":1,"steps":[{"id":"s1"},{"id":"s2"}]}\n');
    expect(await readPlanFile(path)).toEqual({ version: 1, steps: [{ id: "s1" }, { id: "s2" }] });
  });
});
