import { ESLint, Linter } from "eslint";
import { describe, expect, it } from "vitest";

/**
 * The import boundaries are lint rules (eslint.config.js); these cases show that `npm run lint`
 * refuses an import that crosses a layer the wrong way, and lets the right way through.
 */

const CASES: Array<{ file: string; imports: string; refused: boolean }> = [
  { file: "src/plan/check/zz.ts", imports: "../../cli/output.js", refused: true },
  { file: "src/agent/zz.ts", imports: "../cli/runtime.js", refused: true },
  { file: "src/fly/zz.ts", imports: "../../tools/index.js", refused: true },
  { file: "src/fly/zz.ts", imports: "../plan/schema/schema.js", refused: true },
  { file: "tools/zz.ts", imports: "../src/sandbox/index.js", refused: true },
  { file: "tools/zz.ts", imports: "../src/llm/types.js", refused: true },
  { file: "src/security/zz.ts", imports: "../fly/http.js", refused: true },
  { file: "src/sandbox/zz.ts", imports: "../../tools/fields.js", refused: true },
  { file: "src/cli/zz.ts", imports: "../../test/support/cli.js", refused: true },
  { file: "src/sandbox/zz.ts", imports: "../fly/http.js", refused: true },
  { file: "src/sandbox/zz.ts", imports: "../security/redact.js", refused: true },
  { file: "src/sandbox/zz.ts", imports: "../version.js", refused: true },
  { file: "src/sandbox/zz.ts", imports: "../../test/support/cli.js", refused: true },
  { file: "src/sandbox/zz.ts", imports: "../platform/machine-states.js", refused: false },
  { file: "src/sandbox/zz.ts", imports: "../errors.js", refused: false },
  { file: "src/platform/zz.ts", imports: "../errors.js", refused: true },
  { file: "src/platform/zz.ts", imports: "../fly/rest.js", refused: true },
  { file: "src/platform/zz.ts", imports: "../sandbox/types.js", refused: true },
  { file: "src/platform/zz.ts", imports: "../../tools/fields.js", refused: true },
  { file: "src/platform/zz.ts", imports: "./regions.js", refused: false },
  { file: "src/fly/zz.ts", imports: "../../test/support/cli.js", refused: true },
  { file: "src/llm/local/zz.ts", imports: "../../../test/support/cli.js", refused: true },
  { file: "tools/zz.ts", imports: "../src/platform/guest-sizes.js", refused: false },
  { file: "src/fly/zz.ts", imports: "../platform/machine-states.js", refused: false },
  { file: "src/llm/local/zz.ts", imports: "../../platform/regions.js", refused: false },
  { file: "src/plan/check/zz.ts", imports: "../../security/redact.js", refused: false },
  { file: "tools/zz.ts", imports: "../src/fly/errors.js", refused: false },
  { file: "src/cli/zz.ts", imports: "../plan/check/validator.js", refused: false },
  { file: "src/rehearse/zz.ts", imports: "../cli/output.js", refused: true },
  { file: "src/rehearse/zz.ts", imports: "../sandbox/index.js", refused: false },
  { file: "src/plan/apply/zz.ts", imports: "../../sandbox/index.js", refused: true },
];

describe("layer boundaries in lint", () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  it.each(CASES)("$file importing $imports: refused=$refused", async ({ file, imports, refused }) => {
    const config = (await eslint.calculateConfigForFile(file)) as { rules?: Record<string, unknown> };
    const rule = config.rules?.["no-restricted-imports"] as Linter.RuleEntry | undefined;
    // The project's own rule options for that file, applied by ESLint's core linter to one import.
    const messages = new Linter().verify(
      `import "${imports}";\n`,
      [
        {
          files: ["**/*.ts"],
          languageOptions: { sourceType: "module" },
          rules: rule ? { "no-restricted-imports": rule } : {},
        },
      ],
      file,
    );
    expect(messages.filter((m) => m.ruleId === "no-restricted-imports").length > 0).toBe(refused);
  });
});
