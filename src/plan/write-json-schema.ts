import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../package-root.js";
import { PLAN_SCHEMA_PATH, planJsonSchemaText } from "./plan-json-schema.js";

// Regenerates plans/plan.schema.json after a change to the plan schema or a tool's input:
//   node --import tsx src/plan/write-json-schema.ts
const path = join(packageRoot, PLAN_SCHEMA_PATH);
writeFileSync(path, planJsonSchemaText());
process.stdout.write(`wrote ${path}\n`);
