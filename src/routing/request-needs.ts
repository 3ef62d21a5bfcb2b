/**
 * What a request needs from a model (tools, images, structured outputs, room in the context
 * window), and whether a model's known facts rule it out. Each route reads its own requests'
 * needs (`ModelEndpoint.needs`).
 */
import type { ModelFacts } from '../catalog/model-catalog.js';

export interface RequestNeeds {
  tools: boolean;
  images: boolean;
  jsonSchema: boolean;
  /** Characters of prompt text (messages and tool definitions), the basis of token estimates. */
  promptChars: number;
  /** Messages (chat) or inputs (embeddings); each costs a few tokens of framing. */
  messages: number;
  /** `max_completion_tokens` or `max_tokens`, when set: per choice. */
  maxOutputTokens: number | undefined;
  /** Completions generated (`n`, default 1): each is billed its own output. */
  choices: number;
}

/** Keys whose values are binary payloads, not prompt text. */
const BLOB_KEYS = new Set(['image_url', 'input_audio', 'file', 'file_data']);

/**
 * Prompt tokens, estimated at 4 characters a token (OpenAI's rule of thumb for English). Used to
 * skip models whose window is clearly too small, so it leans low rather than skip a model wrongly.
 */
export function estimatePromptTokens(needs: RequestNeeds): number {
  return Math.ceil(needs.promptChars / 4);
}

/** Why a model cannot serve the request, or undefined when it can (or nothing is known). */
export function cannotServe(facts: ModelFacts | undefined, needs: RequestNeeds): string | undefined {
  if (!facts) return undefined;
  if (needs.tools && facts.tools === false) return 'does not support tools';
  if (needs.images && facts.images === false) return 'does not accept images';
  if (needs.jsonSchema && facts.jsonSchema === false) return 'does not support response_format json_schema';
  if (facts.contextWindow !== undefined) {
    const prompt = estimatePromptTokens(needs);
    const total = prompt + (needs.maxOutputTokens ?? 0);
    if (total > facts.contextWindow) {
      const output = needs.maxOutputTokens ? ` plus ${needs.maxOutputTokens} output tokens` : '';
      return `has a context window of ${facts.contextWindow} tokens, too small for a prompt of about ${prompt} tokens${output}`;
    }
  }
  return undefined;
}

/** Characters of text in a request value, binary payloads (images, audio, files) left out. */
export function textLength(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) {
    let total = 0;
    for (const item of value) total += textLength(item);
    return total;
  }
  if (typeof value === 'object' && value !== null) {
    let total = 0;
    for (const key of Object.keys(value))
      if (!BLOB_KEYS.has(key)) total += textLength((value as Record<string, unknown>)[key]);
    return total;
  }
  return 0;
}
