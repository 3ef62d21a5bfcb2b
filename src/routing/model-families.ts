/**
 * Bare model names that belong to a provider kind, e.g. `gpt-4o-mini` → `openai`. The first
 * configured provider of that kind serves them.
 */
export const MODEL_FAMILIES: ReadonlyArray<{ kind: string; pattern: RegExp }> = [
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
