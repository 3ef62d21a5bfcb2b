/**
 * What the Anthropic provider does with every OpenAI chat parameter, in one table (DESIGN.md §6):
 * `mapped` parameters are converted in convert-request.ts (some values of them can still not be
 * honoured, which it reports the same way); `dropped` ones have no Anthropic equivalent. A dropped
 * parameter is listed in `x-modelgate-dropped-params` and the log, or refused with a 400 that names
 * it when `strictParams` is on. Values that change nothing (`n: 1`, `seed` never does) are not
 * reported. Nothing is clamped: an out-of-range value is dropped or refused, never bent.
 */
import { dropped, mapped, ParamReport, type ParamPolicy } from '../kit/param-policy.js';

const isZero = (value: unknown) => value === 0;
const isFalse = (value: unknown) => value === false;
const isEmptyObject = (value: unknown) =>
  typeof value === 'object' && value !== null && Object.keys(value).length === 0;
const isTextOnly = (value: unknown) => Array.isArray(value) && value.every((modality) => modality === 'text');

export const ANTHROPIC_PARAM_POLICY: ParamPolicy = {
  model: mapped('model'),
  messages: mapped('system (system and developer messages) + messages'),
  stream: mapped('stream'),
  stream_options: mapped('usage always arrives; the gateway removes the usage chunk unless include_usage'),
  max_completion_tokens: mapped('max_tokens'),
  max_tokens: mapped('max_tokens (max_completion_tokens wins when both are set)'),
  temperature: mapped(
    'temperature (0–1; a larger value, or any value but 1 with extended thinking, cannot be honoured)',
  ),
  top_p: mapped('top_p (with extended thinking only 0.95–1)'),
  top_k: mapped('top_k (not OpenAI, accepted as an extension; not with extended thinking)'),
  stop: mapped('stop_sequences'),
  n: mapped('only n = 1'),
  user: mapped('metadata.user_id'),
  safety_identifier: mapped('metadata.user_id (wins over user)'),
  tools: mapped('tools (function tools; cache_control and strict kept)'),
  tool_choice: mapped('tool_choice: auto, none, required → any, named function → tool, allowed_tools'),
  parallel_tool_calls: mapped('false → tool_choice.disable_parallel_tool_use'),
  reasoning_effort: mapped('thinking (budget or adaptive effort, see the README)'),
  thinking: mapped('thinking (an Anthropic thinking object, as an extension)'),
  response_format: mapped('json_schema → output_config.format; json_object → a forced `json` tool; text → nothing'),
  service_tier: mapped('auto → auto, default → standard_only'),
  cache_control: mapped('cache_control (top-level automatic caching, as an extension)'),
  frequency_penalty: dropped('Anthropic has no frequency penalty', isZero),
  presence_penalty: dropped('Anthropic has no presence penalty', isZero),
  logit_bias: dropped('Anthropic has no logit bias', isEmptyObject),
  logprobs: dropped('Anthropic returns no log probabilities', isFalse),
  top_logprobs: dropped('Anthropic returns no log probabilities', isZero),
  seed: dropped('Anthropic has no seed'),
  store: dropped('Anthropic does not store completions', isFalse),
  modalities: dropped('Anthropic answers with text only', isTextOnly),
  audio: dropped('Anthropic has no audio output'),
  prediction: dropped('Anthropic has no predicted outputs'),
  web_search_options: dropped('web search is an Anthropic server tool, not offered through this route'),
  verbosity: dropped('Anthropic has no verbosity setting'),
  prompt_cache_key: dropped('Anthropic caches by prefix and cache_control, without a key'),
  prompt_cache_retention: dropped('Anthropic cache lifetimes are set per breakpoint (cache_control.ttl)'),
  prompt_cache_options: dropped('Anthropic cache lifetimes are set per breakpoint (cache_control.ttl)'),
  moderation: dropped('Anthropic has no moderation setting'),
  functions: dropped('legacy function calling; send `tools`'),
  function_call: dropped('legacy function calling; send `tool_choice`'),
};

/** A report for one request; `providerId` names the provider in a refusal. */
export function anthropicParamReport(strict: boolean, providerId?: string): ParamReport {
  return new ParamReport({ vendor: 'Anthropic', providerId }, strict);
}

/** Applies the table to the top-level keys: reports every dropped or unknown parameter that is set. */
export function reportUnmappedParams(body: Record<string, unknown>, report: ParamReport): void {
  report.checkTopLevel(body, ANTHROPIC_PARAM_POLICY, 'it is not a chat parameter the Anthropic provider knows');
}
