/**
 * What the response and stream converters share: how a Gemini part is classified, how tool-call
 * ids are made, and how log probabilities read in OpenAI's shape.
 */
import type { GeminiFunctionCall, GeminiLogprobsResult, GeminiPart } from './gemini-types.js';

/** The part kinds a chat answer can use; images, executable code and the like are `other`. */
export type PartKind = 'text' | 'thought' | 'functionCall' | 'other';

export function partKind(part: GeminiPart): PartKind {
  if (part.functionCall) return 'functionCall';
  if (typeof part.text === 'string') return part.thought === true ? 'thought' : 'text';
  return 'other';
}

/**
 * Gemini's own id when it sends one; otherwise one derived from the response id, the choice and
 * the call's position, so that it is unique in a conversation and the same in every chunk. Only
 * letters, digits, `_` and `-` are kept: Anthropic and Bedrock accept no other characters in a tool
 * id, and a conversation may move there (ids are never sent back to Gemini).
 */
export function toolCallId(call: GeminiFunctionCall, base: string, choice: number, position: number): string {
  if (typeof call.id === 'string' && call.id) return call.id.replace(UNSAFE_ID, '_');
  const safe = base.replace(UNSAFE_ID, '_');
  return choice === 0 ? `call_${safe}_${position}` : `call_${safe}_${choice}_${position}`;
}

const UNSAFE_ID = /[^A-Za-z0-9_-]/g;

/** The arguments as the JSON string OpenAI clients expect (never an object). */
export function argumentsJson(call: GeminiFunctionCall): string {
  return call.args && typeof call.args === 'object' ? JSON.stringify(call.args) : '{}';
}

export interface OpenAILogprob {
  token: string;
  logprob: number;
  bytes: number[] | null;
  top_logprobs: Array<{ token: string; logprob: number; bytes: number[] | null }>;
}

/** `logprobsResult` → `{ content: [...] }`, one entry per chosen token with its alternatives. */
export function toOpenAILogprobs(result: GeminiLogprobsResult): { content: OpenAILogprob[]; refusal: null } {
  const chosen = result.chosenCandidates ?? [];
  const top = result.topCandidates ?? [];
  const content = chosen.map((candidate, i) => ({
    token: candidate.token ?? '',
    logprob: candidate.logProbability ?? 0,
    bytes: bytesOf(candidate.token),
    top_logprobs: (top[i]?.candidates ?? []).map((alternative) => ({
      token: alternative.token ?? '',
      logprob: alternative.logProbability ?? 0,
      bytes: bytesOf(alternative.token),
    })),
  }));
  return { content, refusal: null };
}

function bytesOf(token: string | undefined): number[] | null {
  return token === undefined ? null : Array.from(Buffer.from(token, 'utf8'));
}
