import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../package-root.js";

export const ASK_PROMPT_PATH = join(packageRoot, "prompts", "ask.md");

export interface AskPromptValues {
  org: string | undefined;
  app: string | undefined;
  today: Date;
}

/** Reads prompts/ask.md at run time, so the prompt is reviewed and versioned like code, not compiled in. */
export async function loadAskPrompt(path: string = ASK_PROMPT_PATH): Promise<string> {
  return readFile(path, "utf8");
}

/** Fills the `{{org}}`, `{{app}}` and `{{today}}` placeholders; an unknown placeholder is left visible. */
export function renderAskPrompt(template: string, values: AskPromptValues): string {
  const filled: Record<string, string> = {
    org: values.org ?? "none: every organization the token can see",
    app: values.app ?? "none",
    today: values.today.toISOString().slice(0, 10),
  };
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => filled[name] ?? whole);
}

/**
 * What a model must know of a provider other than Fly, from prompts/provider-NAME.md when there
 * is one: it follows the ask prompt, whose Fly context it sets aside. Fly has none.
 */
export async function loadProviderNote(provider: string): Promise<string | undefined> {
  const path = join(packageRoot, "prompts", `provider-${provider}.md`);
  return /^[a-z]+$/.test(provider) && existsSync(path) ? readFile(path, "utf8") : undefined;
}
