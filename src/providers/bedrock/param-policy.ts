/**
 * What happens to each OpenAI chat parameter on its way to Bedrock Converse: mapped (and to what),
 * or dropped, in which case a value that asks for something is left out and reported in
 * `x-modelgate-dropped-params` and the log record, or refused with a 400 naming it when
 * `strictParams` is on. Nothing is dropped silently and nothing is clamped.
 */
import { dropped, mapped, ParamReport, type ParamPolicy } from '../kit/param-policy.js';

// Values that ask for nothing Converse does not do anyway: not worth a report (null is absent already).
const isFalse = (value: unknown) => value === false;
const isZero = (value: unknown) => value === 0;
const isOne = (value: unknown) => value === 1;
const isTextOnly = (value: unknown) => Array.isArray(value) && value.every((item) => item === 'text');

/** The policy, one line per parameter of OpenAI's CreateChatCompletionRequest (plus Bedrock's own). */
export const BEDROCK_PARAM_POLICY: ParamPolicy = {
  model: mapped('the URL path, /model/{modelId}/converse(-stream), percent-encoded'),
  messages: mapped('system/developer → system blocks; user, assistant and tool → alternating user/assistant turns'),
  stream: mapped('Converse (false) or ConverseStream (true)'),
  stream_options: mapped(
    'usage always arrives in the stream metadata; include_usage decides whether the client sees it',
  ),
  max_completion_tokens: mapped('inferenceConfig.maxTokens'),
  max_tokens: mapped('inferenceConfig.maxTokens (max_completion_tokens wins when both are set)'),
  temperature: mapped(
    'inferenceConfig.temperature; Bedrock accepts 0–1, so a larger value is dropped (refused when strict)',
  ),
  top_p: mapped('inferenceConfig.topP'),
  stop: mapped('inferenceConfig.stopSequences'),
  tools: mapped(
    'toolConfig.tools[].toolSpec (parameters → inputSchema.json, strict → strict); cache_control → a cachePoint',
  ),
  tool_choice: mapped(
    'auto → auto, required → any, a named function → tool; none → no toolConfig (dropped when the conversation already holds tool calls)',
  ),
  parallel_tool_calls: mapped('true is what Converse does; false is dropped (refused when strict)'),
  response_format: mapped(
    'json_schema → outputConfig.textFormat; text → nothing; json_object is dropped (refused when strict)',
  ),
  reasoning_effort: mapped(
    'Claude models: additionalModelRequestFields.thinking with a token budget; other models: dropped (refused when strict)',
  ),
  user: mapped('requestMetadata.user (for invocation-log filters)'),
  safety_identifier: mapped('requestMetadata.safety_identifier'),
  service_tier: mapped(
    'serviceTier.type for default, flex and priority (fast → priority); auto → nothing; scale dropped (refused when strict)',
  ),
  // Extensions, for callers who know they talk to Bedrock.
  top_k: mapped(
    'Claude: additionalModelRequestFields.top_k; Nova: additionalModelRequestFields.inferenceConfig.topK; others dropped',
  ),
  thinking: mapped('Claude models: additionalModelRequestFields.thinking, as given'),
  additionalModelRequestFields: mapped('merged into additionalModelRequestFields (e.g. Nova reasoningConfig, top_k)'),
  guardrailConfig: mapped('guardrailConfig, as given'),
  performanceConfig: mapped('performanceConfig, as given'),

  n: dropped('Converse returns one choice', isOne),
  logprobs: dropped('Converse returns no log probabilities', isFalse),
  top_logprobs: dropped('Converse returns no log probabilities', isZero),
  logit_bias: dropped('Converse has no logit bias'),
  frequency_penalty: dropped('Converse has no frequency penalty', isZero),
  presence_penalty: dropped('Converse has no presence penalty', isZero),
  seed: dropped('Converse has no seed'),
  modalities: dropped('Converse answers in text', isTextOnly),
  audio: dropped('Converse answers in text'),
  prediction: dropped('Converse has no predicted outputs'),
  web_search_options: dropped('Converse has no built-in web search'),
  verbosity: dropped('Converse has no verbosity setting'),
  store: dropped('Bedrock stores nothing for later retrieval', isFalse),
  metadata: dropped(
    'OpenAI stored-completion metadata has no Bedrock counterpart (modelgate reads `metadata` as a gateway parameter)',
  ),
  prompt_cache_key: dropped('Bedrock caches at cachePoint blocks: use cache_control on message parts'),
  prompt_cache_retention: dropped('Bedrock caches at cachePoint blocks: use cache_control with a ttl'),
  prompt_cache_options: dropped('Bedrock caches at cachePoint blocks: use cache_control on message parts'),
  moderation: dropped('Converse has no moderation option (use guardrailConfig)'),
  functions: dropped('the deprecated functions API has no Converse counterpart: use tools'),
  function_call: dropped('the deprecated functions API has no Converse counterpart: use tool_choice'),
};

/** A report for one request, naming the provider in a refusal. */
export function bedrockParamReport(providerId: string, strict: boolean): ParamReport {
  return new ParamReport({ vendor: 'AWS Bedrock', providerId }, strict);
}

/** Applies the table's dropped rows and reports unknown parameters; mapped ones are converted elsewhere. */
export function reportUnsupported(body: Record<string, unknown>, report: ParamReport): void {
  report.checkTopLevel(body, BEDROCK_PARAM_POLICY, 'it is not an OpenAI chat parameter modelgate can map to Converse');
}
