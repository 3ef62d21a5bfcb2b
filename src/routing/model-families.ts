/**
 * Bare model names that belong to a provider kind, e.g. `gpt-4o-mini` → `openai`. The first
 * configured provider of that kind serves them.
 */
export const MODEL_FAMILIES: ReadonlyArray<{ kind: string; pattern: RegExp }> = [
  // Google's embedding models with a three-digit version (`text-embedding-004`, `embedding-001`,
  // `text-multilingual-embedding-002`), ahead of OpenAI's `text-embedding-` prefix: OpenAI's names
  // (`text-embedding-3-small`, `text-embedding-ada-002`) never end in a bare three-digit number.
  { kind: 'google', pattern: /^(?:text-embedding|text-multilingual-embedding|embedding)-\d{3}$/ },
  { kind: 'openai', pattern: /^(gpt-|chatgpt-|o\d|text-embedding-|omni-moderation|text-moderation|codex-|computer-use-)/ },
  { kind: 'anthropic', pattern: /^claude-/ },
  { kind: 'google', pattern: /^(gemini-|gemma-)/ },
  { kind: 'bedrock', pattern: /^(?:(?:us|eu|apac|global)\.)?(?:anthropic|amazon|meta|mistral|cohere|ai21|deepseek)\.[\w.:-]+$/ },
  { kind: 'mistral', pattern: /^(mistral-|open-mistral|open-mixtral|codestral|ministral|pixtral|magistral|devstral)/ },
  { kind: 'deepseek', pattern: /^deepseek-/ },
  { kind: 'xai', pattern: /^grok-/ },
  { kind: 'perplexity', pattern: /^sonar/ },
];

export function familyKindOf(model: string): string | undefined {
  return MODEL_FAMILIES.find((family) => family.pattern.test(model))?.kind;
}
