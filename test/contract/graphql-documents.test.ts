import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  buildSchema,
  Kind,
  NoDeprecatedCustomRule,
  parse,
  validate,
  type OperationDefinitionNode,
} from "graphql";
import { describe, expect, it } from "vitest";
import { addonDocuments } from "../../src/fly/graphql-documents-addons.js";
import { graphqlDocuments as coreDocuments } from "../../src/fly/graphql-documents.js";
import { releaseDocuments } from "../../src/fly/graphql-releases.js";

const graphqlDocuments = [...coreDocuments, ...addonDocuments, ...releaseDocuments];

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const specDir = resolve(repoRoot, process.env.FLY_SPEC_DIR ?? "spec/fly");
const schema = buildSchema(readFileSync(resolve(specDir, "fly-schema.graphql"), "utf8"));

describe("GraphQL documents validate against Fly's schema", () => {
  it("has documents to check", () => {
    expect(graphqlDocuments.length).toBeGreaterThanOrEqual(14);
  });

  it.each(graphqlDocuments.map((d) => [d.operationName, d] as const))("%s", (name, document) => {
    const ast = parse(document.source);
    expect(validate(schema, ast).map((e) => e.message)).toEqual([]);
    const operations = ast.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    expect(operations).toHaveLength(1);
    expect(operations[0]?.name?.value).toBe(name);
    expect(`${operations[0]?.operation}`).toBe(document.kind);
  });

  it("uses no deprecated field, so documents keep working as Fly retires them", () => {
    for (const document of graphqlDocuments) {
      const errors = validate(schema, parse(document.source), [NoDeprecatedCustomRule]);
      expect(errors.map((e) => `${document.operationName}: ${e.message}`)).toEqual([]);
    }
  });
});
