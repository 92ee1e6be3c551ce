import { ConfigError, UsageError } from "../errors.js";
import { createAnthropicModel } from "./anthropic.js";
import { createLocalModel } from "./local/index.js";
import { createOpenAIModel } from "./openai.js";
import type { ChatModel } from "./types.js";

export type Env = Readonly<Record<string, string | undefined>>;

export const PROVIDERS = ["openai", "anthropic", "ollama", "local"] as const;
export type Provider = (typeof PROVIDERS)[number];

export interface ModelSpec {
  provider: Provider;
  name: string;
  /** Where the choice came from, for `--verbose` and error messages: "--model", "FLYOPS_MODEL", ... */
  source: string;
}

export const DEFAULT_MODELS = {
  anthropic: "claude-sonnet-5-5",
  openai: "gpt-4.1",
  local: "rules",
} as const;

export const DEFAULT_OLLAMA_BASE_URL = "http://127.0.0.1:11434/v1";
export const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";
export const DEFAULT_ANTHROPIC_BASE_URL = "https://api.anthropic.com";

/** Every variable that may hold a model API key; the runtime adds their values to the redactor. */
export const MODEL_KEY_VARIABLES = ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "FLYOPS_MODEL_API_KEY"] as const;

export interface ResolveModelSpecOptions {
  /** `--model provider:name` */
  flag?: string | undefined;
  env: Env;
  /** `model:` from the config file. */
  configModel?: string | undefined;
}

/**
 * Picks the model per DESIGN.md: `--model`, `FLYOPS_MODEL`, the config file, then whichever provider
 * has a key in the environment (Anthropic first), then the built-in local model.
 */
export function resolveModelSpec({ flag, env, configModel }: ResolveModelSpecOptions): ModelSpec {
  const explicit: [string | undefined, string][] = [
    [flag, "--model"],
    [env.FLYOPS_MODEL, "FLYOPS_MODEL"],
    [configModel, "the config file"],
  ];
  for (const [value, source] of explicit) {
    if (value !== undefined && value.trim() !== "") return parseModelSpec(value, source);
  }
  if (present(env.ANTHROPIC_API_KEY)) {
    return { provider: "anthropic", name: DEFAULT_MODELS.anthropic, source: "ANTHROPIC_API_KEY" };
  }
  if (present(env.OPENAI_API_KEY)) {
    return { provider: "openai", name: DEFAULT_MODELS.openai, source: "OPENAI_API_KEY" };
  }
  return {
    provider: "local",
    name: DEFAULT_MODELS.local,
    source: "default (no model configured and no API key set)",
  };
}

/** Parses "provider:name"; the name keeps any further colons ("ollama:llama3.1:8b"). "local" alone is allowed. */
export function parseModelSpec(value: string, source: string): ModelSpec {
  const text = value.trim();
  const colon = text.indexOf(":");
  const provider = (colon === -1 ? text : text.slice(0, colon)).toLowerCase();
  const name = colon === -1 ? "" : text.slice(colon + 1).trim();
  if (!isProvider(provider)) {
    throw new UsageError(
      `unknown model provider "${provider}" in "${text}" (from ${source}); expected provider:name with provider one of ${PROVIDERS.join(", ")}`,
      {
        hint: 'for example --model openai:gpt-4.1, anthropic:claude-sonnet-5-5, ollama:llama3.1, or "local"',
      },
    );
  }
  if (name === "") {
    if (provider === "local") return { provider, name: DEFAULT_MODELS.local, source };
    throw new UsageError(
      `model "${text}" (from ${source}) names no model; expected ${provider}:<model name>`,
      {
        hint: `for example ${provider}:${provider === "ollama" ? "llama3.1" : DEFAULT_MODELS[provider]}`,
      },
    );
  }
  return { provider, name, source };
}

export interface CreateModelOptions {
  env: Env;
  /** Per-request timeout; the default suits slow local models. */
  timeoutMs?: number;
  maxRetries?: number;
}

/** Builds the ChatModel for a spec. Keys and base URLs come only from `env`, never the ambient process. */
export function createModel(spec: ModelSpec, { env, timeoutMs, maxRetries }: CreateModelOptions): ChatModel {
  const tuning = { timeoutMs, maxRetries };
  switch (spec.provider) {
    case "openai":
      return createOpenAIModel({
        ...tuning,
        flavour: "openai",
        model: spec.name,
        apiKey: requireKey(env, "OPENAI_API_KEY", spec),
        baseUrl: nonEmpty(env.OPENAI_BASE_URL) ?? DEFAULT_OPENAI_BASE_URL,
      });
    case "ollama":
      return createOpenAIModel({
        ...tuning,
        flavour: "ollama",
        model: spec.name,
        // Local servers ignore the key, but the SDK insists on one. A real OPENAI_API_KEY is not sent
        // here: it would hand an OpenAI key to whatever server the base URL names.
        apiKey: nonEmpty(env.FLYOPS_MODEL_API_KEY),
        baseUrl:
          nonEmpty(env.FLYOPS_MODEL_BASE_URL) ?? nonEmpty(env.OPENAI_BASE_URL) ?? DEFAULT_OLLAMA_BASE_URL,
      });
    case "anthropic":
      return createAnthropicModel({
        ...tuning,
        model: spec.name,
        apiKey: requireKey(env, "ANTHROPIC_API_KEY", spec),
        baseUrl: nonEmpty(env.ANTHROPIC_BASE_URL) ?? DEFAULT_ANTHROPIC_BASE_URL,
      });
    case "local":
      return createLocalModel();
  }
}

function requireKey(env: Env, variable: string, spec: ModelSpec): string {
  const key = nonEmpty(env[variable]);
  if (key === undefined) {
    throw new ConfigError(`${spec.provider}:${spec.name} needs an API key, but ${variable} is not set`, {
      hint: `export ${variable}=..., or choose another model with --model (e.g. --model local)`,
    });
  }
  return key;
}

function isProvider(value: string): value is Provider {
  return (PROVIDERS as readonly string[]).includes(value);
}

function present(value: string | undefined): boolean {
  return nonEmpty(value) !== undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
