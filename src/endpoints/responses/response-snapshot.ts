/**
 * The response object of a bridged Responses request, in OpenAI's shape: the fields a native answer
 * has, the request's settings echoed (OpenAI's defaults when not sent), and chat's usage in
 * Responses form. `store` says whether the gateway's response store keeps it (a bridged provider keeps nothing).
 */
import { randomUUID } from 'node:crypto';

type Json = Record<string, any>;

/** A fresh id with OpenAI's prefix for its kind (`resp`, `msg`, `fc`, `rs`, `call`). */
export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '')}`;
}

const or = (value: unknown, fallback: unknown) => (value === undefined ? fallback : value);

/** The response object as `response.created` shows it: in progress, no output, the request's settings echoed. */
export function newResponseSnapshot(request: Json, model: string, createdAt: number, kept: boolean): Json {
  const snapshot: Json = {
    id: newId('resp'),
    object: 'response',
    created_at: createdAt,
    status: 'in_progress',
    background: false,
    completed_at: null,
    error: null,
    incomplete_details: null,
    instructions: or(request.instructions, null),
    max_output_tokens: or(request.max_output_tokens, null),
    max_tool_calls: or(request.max_tool_calls, null),
    model,
    output: [],
    parallel_tool_calls: or(request.parallel_tool_calls, true),
    previous_response_id: or(request.previous_response_id, null),
    prompt_cache_key: or(request.prompt_cache_key, null),
    reasoning: { effort: or(request.reasoning?.effort, null), summary: or(request.reasoning?.summary, null) },
    safety_identifier: or(request.safety_identifier, null),
    service_tier: 'default',
    store: kept,
    temperature: or(request.temperature, 1),
    text: { format: { type: 'text' }, verbosity: 'medium', ...(isObject(request.text) ? request.text : {}) },
    tool_choice: or(request.tool_choice, 'auto'),
    tools: or(request.tools, []),
    top_logprobs: or(request.top_logprobs, 0),
    top_p: or(request.top_p, 1),
    truncation: or(request.truncation, 'disabled'),
    metadata: or(request.metadata, null),
  };
  // The spec types `user` as a string (OpenAI sends null): only an echo of one sent. `usage`
  // (an object in the spec, null from OpenAI until the end) is set by the terminal event.
  if (typeof request.user === 'string') snapshot.user = request.user;
  return snapshot;
}

/** Chat's usage (`prompt_tokens` and details) in Responses form; null when the provider reported none. */
export function toResponsesUsage(usage: unknown): Json | null {
  if (typeof usage !== 'object' || usage === null) return null;
  const u = usage as Json;
  const input = num(u.prompt_tokens);
  const output = num(u.completion_tokens);
  return {
    input_tokens: input,
    input_tokens_details: {
      cached_tokens: num(u.prompt_tokens_details?.cached_tokens),
      cache_write_tokens: num(u.prompt_tokens_details?.cache_write_tokens),
    },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: num(u.completion_tokens_details?.reasoning_tokens) },
    total_tokens: typeof u.total_tokens === 'number' ? u.total_tokens : input + output,
  };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
