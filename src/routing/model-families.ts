/**
 * Bare model names that belong to a provider kind, e.g. `gpt-4o-mini` → `openai`: each kind's
 * families come from its descriptor (providers/registry.ts). The first configured provider of that
 * kind serves them.
 */
import { kindFacts, PROVIDER_KINDS } from '../providers/registry.js';

export const MODEL_FAMILIES: ReadonlyArray<{ kind: string; pattern: RegExp }> = PROVIDER_KINDS.flatMap((kind) => {
  const pattern = kindFacts(kind)?.families;
  return pattern ? [{ kind, pattern }] : [];
});

export function familyKindOf(model: string): string | undefined {
  return MODEL_FAMILIES.find((family) => family.pattern.test(model))?.kind;
}
