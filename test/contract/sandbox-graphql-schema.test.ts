import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  buildSchema,
  isEnumType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from "graphql";
import { describe, expect, it } from "vitest";
import { SANDBOX_GRAPHQL_ADDONS_SDL } from "../../src/sandbox/graphql-schema-addons.js";
import { SANDBOX_GRAPHQL_SDL } from "../../src/sandbox/graphql-schema.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
// As in rest-requests.test.ts: a relative FLY_SPEC_DIR is taken from the repository root.
const specDir = resolve(repoRoot, process.env.FLY_SPEC_DIR ?? "spec/fly");
const fly = buildSchema(readFileSync(resolve(specDir, "fly-schema.graphql"), "utf8"));
const subset = buildSchema(SANDBOX_GRAPHQL_SDL + SANDBOX_GRAPHQL_ADDONS_SDL);

function kind(type: GraphQLNamedType): string {
  if (isObjectType(type)) return "object";
  if (isInterfaceType(type)) return "interface";
  if (isEnumType(type)) return "enum";
  if (isScalarType(type)) return "scalar";
  return "other";
}

function ownTypes(schema: GraphQLSchema): GraphQLNamedType[] {
  return Object.values(schema.getTypeMap()).filter((t) => !t.name.startsWith("__"));
}

/** Every way a subset field can differ from Fly's: missing, another type, an argument Fly lacks or types differently. */
function fieldProblems(
  typeName: string,
  mine: GraphQLField<unknown, unknown>,
  theirs: GraphQLField<unknown, unknown> | undefined,
): string[] {
  if (!theirs) return [`${typeName}.${mine.name} does not exist in Fly's schema`];
  const problems: string[] = [];
  if (String(mine.type) !== String(theirs.type))
    problems.push(`${typeName}.${mine.name} is ${String(mine.type)}, Fly has ${String(theirs.type)}`);
  for (const arg of mine.args) {
    const real = theirs.args.find((a) => a.name === arg.name);
    if (!real) problems.push(`${typeName}.${mine.name}(${arg.name}) is not an argument in Fly's schema`);
    else if (String(real.type) !== String(arg.type))
      problems.push(
        `${typeName}.${mine.name}(${arg.name}) is ${String(arg.type)}, Fly has ${String(real.type)}`,
      );
  }
  const required = theirs.args.filter((a) => String(a.type).endsWith("!") && a.defaultValue === undefined);
  for (const arg of required) {
    if (!mine.args.some((a) => a.name === arg.name))
      problems.push(`${typeName}.${mine.name} lacks Fly's required argument ${arg.name}`);
  }
  return problems;
}

describe("the sandbox's GraphQL subset", () => {
  it("uses only types, fields and arguments that Fly's schema has, typed the same", () => {
    const problems: string[] = [];
    for (const type of ownTypes(subset)) {
      const real = fly.getType(type.name);
      if (!real) {
        if (!isScalarType(type) || !["String", "Int", "Boolean", "ID", "Float"].includes(type.name))
          problems.push(`type ${type.name} does not exist in Fly's schema`);
        continue;
      }
      if (kind(real) !== kind(type)) {
        problems.push(`${type.name} is a ${kind(type)} here, a ${kind(real)} in Fly's schema`);
        continue;
      }
      if ((isObjectType(type) || isInterfaceType(type)) && (isObjectType(real) || isInterfaceType(real))) {
        const realFields = real.getFields();
        for (const field of Object.values(type.getFields()))
          problems.push(...fieldProblems(type.name, field, realFields[field.name]));
        const realInterfaces = real.getInterfaces().map((i) => i.name);
        for (const iface of type.getInterfaces()) {
          if (!realInterfaces.includes(iface.name))
            problems.push(`${type.name} implements ${iface.name} here but not in Fly's schema`);
        }
      }
      if (isEnumType(type) && isEnumType(real)) {
        const values = real.getValues().map((v) => v.name);
        for (const value of type.getValues())
          if (!values.includes(value.name)) problems.push(`${type.name}.${value.name} is not in Fly's enum`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("has the same query and root type names as Fly", () => {
    expect(subset.getQueryType()?.name).toBe(fly.getQueryType()?.name);
    expect(subset.getMutationType()?.name).toBe(fly.getMutationType()?.name);
  });
});
