import { OPENAI_COMPATIBLE_PRESETS } from '../providers/openai-compatible/presets.js';

/** Bare model names that belong to a provider kind, e.g. `gpt-4o-mini` → `openai`. */
export const MODEL_FAMILIES: ReadonlyArray<{ kind: string; pattern: RegExp }> = Object.entries(OPENAI_COMPATIBLE_PRESETS).flatMap(
  ([kind, preset]) => ('family' in preset ? [{ kind, pattern: preset.family }] : []),
);

export function familyKindOf(model: string): string | undefined {
  return MODEL_FAMILIES.find((family) => family.pattern.test(model))?.kind;
}
