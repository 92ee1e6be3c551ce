import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", "test/support/bin/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  { files: ["**/*.ts"], rules: { "@typescript-eslint/switch-exhaustiveness-check": "error" } },
  ...layers(),
  { files: ["**/*.js"], ...tseslint.configs.disableTypeChecked },
);

/**
 * Layers import only downward: cli → (mcp, agent, plan) → llm → tools → fly → security/config.
 * Each entry names a layer and the folders it must never import; a relative path that reaches
 * one of them (`../cli/output.js`, `../../src/plan/x.js`) is refused by lint.
 */
function layers() {
  const folder = (name) => [`**/${name}`, `**/${name}/**`, `../${name}/**`, `./${name}/**`];
  const never = (files, names, why) => ({
    files,
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: names.flatMap(folder), message: why }] }],
    },
  });
  return [
    never(["src/**/*.ts"], ["test"], "shipped code never imports tests"),
    never(
      ["tools/**/*.ts"],
      ["test", "cli", "agent", "plan", "llm", "mcp", "sandbox"],
      "tools/ sits below every front and never uses the sandbox",
    ),
    never(
      ["src/fly/**/*.ts"],
      ["tools", "cli", "agent", "plan", "llm", "mcp", "sandbox"],
      "src/fly is below the catalog and every front",
    ),
    never(
      ["src/security/**/*.ts", "src/config/**/*.ts"],
      ["tools", "cli", "agent", "plan", "llm", "mcp", "sandbox", "fly"],
      "security and config are the bottom layer",
    ),
    never(
      ["src/llm/**/*.ts"],
      ["cli", "agent", "plan", "mcp", "sandbox"],
      "models know nothing of the fronts",
    ),
    never(
      ["src/agent/**/*.ts", "src/plan/**/*.ts", "src/mcp/**/*.ts"],
      ["cli", "sandbox"],
      "core never imports the CLI",
    ),
    never(
      ["src/sandbox/**/*.ts"],
      ["tools", "cli", "agent", "plan", "llm", "mcp", "fly", "security", "config"],
      "the sandbox stands alone: it imports only shared constants",
    ),
  ];
}
