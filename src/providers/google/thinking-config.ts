/**
 * `reasoning_effort` (and the Anthropic-style `thinking` object) → `generationConfig.thinkingConfig`
 * (https://ai.google.dev/gemini-api/docs/thinking). Gemini 3 takes a `thinkingLevel`; Gemini 2.5
 * a `thinkingBudget` in tokens, with the budgets Google's own OpenAI-compatible endpoint uses for
 * low/medium/high (https://ai.google.dev/gemini-api/docs/openai, "Thinking"); sending both is a 400.
 * An effort a model family has no word for is dropped and reported, never rounded to a neighbour.
 * Thought summaries are asked for whenever thinking is configured: they stream as `reasoning_content`.
 */
import type { ParamReport } from '../kit/param-policy.js';
import { geminiVersion } from './thought-signatures.js';

export interface ThinkingConfig {
  thinkingLevel?: 'MINIMAL' | 'LOW' | 'MEDIUM' | 'HIGH';
  thinkingBudget?: number;
  includeThoughts?: boolean;
}

const LEVELS: Readonly<Record<string, ThinkingConfig['thinkingLevel']>> = {
  minimal: 'MINIMAL',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
};
const BUDGETS: Readonly<Record<string, number>> = { none: 0, low: 1024, medium: 8192, high: 24576 };

type Family = 'levels' | 'budget' | 'none';

/** Gemini 3+ think in levels, 2.5 in budgets, older models and Gemma not at all; unknown names take budgets. */
export function thinkingFamily(model: string): Family {
  if (/(^|\/)gemma-/.test(model)) return 'none';
  const version = geminiVersion(model);
  if (version === undefined) return 'budget';
  return version >= 3 ? 'levels' : version >= 2.5 ? 'budget' : 'none';
}

export function thinkingConfig(
  model: string,
  body: Record<string, unknown>,
  report: ParamReport,
): ThinkingConfig | undefined {
  const effort = body.reasoning_effort;
  const thinking = body.thinking as { type?: unknown; budget_tokens?: unknown } | null | undefined;
  if ((effort === undefined || effort === null) && (thinking === undefined || thinking === null)) return undefined;
  const family = thinkingFamily(model);
  if (family === 'none') {
    if (effort != null) report.drop('reasoning_effort', `${model} does not think`);
    if (thinking != null) report.drop('thinking', `${model} does not think`);
    return undefined;
  }
  if (thinking != null) {
    if (effort != null) report.drop('reasoning_effort', '`thinking` was given too and wins');
    if (thinking.type === 'disabled') return { thinkingBudget: 0 };
    if (thinking.type === 'enabled' && typeof thinking.budget_tokens === 'number')
      return { thinkingBudget: thinking.budget_tokens, includeThoughts: true };
    // Adaptive: the model decides how much to think, Gemini's dynamic budget (-1), the default of Gemini 3.
    if (thinking.type === 'adaptive')
      return family === 'levels' ? { includeThoughts: true } : { thinkingBudget: -1, includeThoughts: true };
    report.drop('thinking', 'expected {type: "enabled", budget_tokens}, {type: "adaptive"} or {type: "disabled"}');
    return undefined;
  }
  const name = String(effort);
  if (family === 'levels') {
    const level = Object.hasOwn(LEVELS, name) ? LEVELS[name] : undefined;
    if (level) return { thinkingLevel: level, includeThoughts: true };
    report.drop('reasoning_effort', `Gemini 3 has no \`${name}\` thinking level (minimal, low, medium, high)`);
    return undefined;
  }
  const budget = Object.hasOwn(BUDGETS, name) ? BUDGETS[name] : undefined;
  if (budget === 0) return { thinkingBudget: 0 };
  if (budget !== undefined) return { thinkingBudget: budget, includeThoughts: true };
  report.drop('reasoning_effort', `Gemini 2.5 has no budget for \`${name}\` (none, low, medium, high)`);
  return undefined;
}
