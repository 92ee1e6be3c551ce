import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { packageRoot } from "../src/package-root.js";
import { PLAN_SCHEMA_PATH, planJsonSchemaText } from "../src/plan/schema/plan-json-schema.js";

// Regenerates plans/plan.schema.json after a change to the plan schema or a tool's input:
//   node --import tsx scripts/write-plan-schema.ts [OUTPUT]
// (OUTPUT defaults to the committed file; test/unit/plan-schema.test.ts fails while it is stale.)
const output = process.argv[2];
const path = output === undefined ? join(packageRoot, PLAN_SCHEMA_PATH) : resolve(output);
writeFileSync(path, planJsonSchemaText());
process.stdout.write(`wrote ${path}\n`);
