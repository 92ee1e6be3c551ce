import { FlyopsError } from "../../errors.js";

/** How to get past the built-in model's limits; shared by the error and the docs. */
export const CONFIGURE_REAL_MODEL_HINT =
  "for other questions use a real model: set OPENAI_API_KEY or ANTHROPIC_API_KEY (flyops then uses that provider), " +
  "or choose one with --model provider:name or FLYOPS_MODEL, e.g. openai:gpt-4.1, anthropic:NAME, " +
  "or ollama:llama3.1 for a local Ollama server (FLYOPS_MODEL_BASE_URL, default http://127.0.0.1:11434/v1)";

/**
 * The built-in rules model met a question or request outside its documented shapes. Thrown from
 * chat() so the CLI exits 1 with the list of what it does understand and how to configure a real model.
 */
export class LocalModelCannotAnswer extends FlyopsError {
  /** The question it was given, for callers that want to show it again. */
  readonly question: string;

  constructor(question: string, supported: readonly string[], reason?: string) {
    const what = reason ?? "the built-in local model (local:rules) cannot answer this";
    super(`${what}: "${oneLine(question)}"`, {
      hint: [
        `the local model understands:`,
        ...supported.map((s) => `  - ${s}`),
        CONFIGURE_REAL_MODEL_HINT,
      ].join("\n"),
    });
    this.question = question;
  }
}

/** A question on one line, cut to a length a message can quote. */
export function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
}
