import { createHash } from "node:crypto";
import { copyFileSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildSchema } from "graphql";
import { packageRoot } from "../src/package-root.js";

// Copies newer Fly API descriptions into spec/fly after checking that they parse:
//   node --import tsx scripts/refresh-fly-spec.ts DIR   (DIR holds machines-openapi.json and fly-schema.graphql)
// Then update spec/fly/SOURCES.md with where they came from.
const from = process.argv[2];
if (from === undefined) {
  process.stderr.write("usage: node --import tsx scripts/refresh-fly-spec.ts DIR\n");
  process.exit(2);
}
const target = join(packageRoot, "spec", "fly");
const checks: Record<string, (text: string) => void> = {
  "machines-openapi.json": (text) => {
    const doc = JSON.parse(text) as { openapi?: unknown; paths?: unknown };
    if (typeof doc.openapi !== "string" || typeof doc.paths !== "object")
      throw new Error("not an OpenAPI document");
  },
  "fly-schema.graphql": (text) => void buildSchema(text),
};
for (const [name, check] of Object.entries(checks)) {
  const source = resolve(from, name);
  const text = readFileSync(source, "utf8");
  try {
    check(text);
  } catch (error) {
    process.stderr.write(
      `${source}: ${error instanceof Error ? error.message : String(error)}; nothing copied\n`,
    );
    process.exit(1);
  }
  copyFileSync(source, join(target, name));
  const sha = createHash("sha256").update(text).digest("hex");
  process.stdout.write(`${name}: ${Buffer.byteLength(text)} bytes, sha256 ${sha}\n`);
}
