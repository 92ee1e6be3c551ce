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
 * Layers import only downward: cli → (mcp, agent, plan) → llm → tools → fly, flywp → security/config,
 * and every layer may use src/platform (Fly's states, sizes and regions), which imports nothing.
 * Each entry names a layer and the folders it must never import; a relative path that reaches
 * one of them (`../cli/output.js`, `../../src/plan/x.js`) is refused by lint. The last entry
 * that matches a file decides its rule, so every layer under src/ lists `test` itself.
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
      ["test", "tools", "cli", "agent", "plan", "llm", "mcp", "sandbox", "flywp"],
      "src/fly is below the catalog and every front, and knows no other provider",
    ),
    // A second provider's client sits beside src/fly: it may share Fly's HTTP helpers (errors,
    // retry arithmetic, clock), never the other way round.
    never(
      ["src/flywp/**/*.ts"],
      ["test", "tools", "cli", "agent", "plan", "llm", "mcp", "sandbox"],
      "src/flywp is below the catalog and every front",
    ),
    never(
      ["src/security/**/*.ts", "src/config/**/*.ts"],
      ["test", "tools", "cli", "agent", "plan", "llm", "mcp", "sandbox", "fly", "flywp"],
      "security and config are the bottom layer",
    ),
    never(
      ["src/llm/**/*.ts"],
      ["test", "cli", "agent", "plan", "mcp", "sandbox"],
      "models know nothing of the fronts",
    ),
    never(
      ["src/eval/**/*.ts"],
      ["test", "cli", "mcp"],
      "the bench harness is a front below the CLI: it drives the agent, the maker and the sandbox",
    ),
    never(
      ["src/rehearse/**/*.ts"],
      ["test", "cli", "mcp", "agent", "llm"],
      "a rehearsal is a front below the CLI: it drives the applier against a sandbox copy of live state",
    ),
    never(
      ["src/agent/**/*.ts", "src/plan/**/*.ts", "src/mcp/**/*.ts"],
      ["test", "cli", "sandbox"],
      "core never imports the CLI",
    ),
    only(
      ["src/sandbox/**/*.ts"],
      ["../platform", "../errors.js", "../logger.js"],
      "the sandbox stands alone: of the product it imports only the shared Fly constants (src/platform), the error classes and the log interface",
    ),
    only(
      ["src/platform/**/*.ts"],
      [],
      "src/platform holds Fly's constants and imports nothing of the product",
    ),
  ];
}

/**
 * A folder that may import nothing outside itself but `allowed` (paths relative to the folder's
 * files, as written in their imports): any other import that leaves the folder is refused.
 */
function only(files, allowed, why) {
  const leaving = ["../*", "../../*", "../../../*"];
  return {
    files,
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: [...leaving, ...allowed.map((path) => `!${path}`)], message: why }] },
      ],
    },
  };
}
