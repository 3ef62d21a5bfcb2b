/**
 * What happens to each OpenAI chat parameter on its way to Bedrock Converse: mapped (and to what),
 * or unsupported, in which case a non-neutral value is dropped and reported in
 * `x-modelgate-dropped-params` and the log record, or refused with a 400 naming it when
 * `strictParams` is on. Nothing is dropped silently and nothing is clamped.
 */
import { GatewayError } from '../../errors.js';

export type ParamRule =
  | { action: 'mapped'; to: string }
  | { action: 'unsupported'; why: string; /** A value that asks for nothing (false, 0, 1, ...): not worth a report. */ neutral: (value: unknown) => boolean };

const mapped = (to: string): ParamRule => ({ action: 'mapped', to });
const unsupported = (why: string, neutral: (value: unknown) => boolean = isAbsent): ParamRule => ({ action: 'unsupported', why, neutral });

const isAbsent = (value: unknown) => value === undefined || value === null;
const isFalse = (value: unknown) => isAbsent(value) || value === false;
const isZero = (value: unknown) => isAbsent(value) || value === 0;
const isOne = (value: unknown) => isAbsent(value) || value === 1;
const isTextOnly = (value: unknown) => isAbsent(value) || (Array.isArray(value) && value.every((item) => item === 'text'));

/** The policy, one line per parameter of OpenAI's CreateChatCompletionRequest (plus Bedrock's own). */
export const BEDROCK_PARAM_POLICY: Readonly<Record<string, ParamRule>> = {
  model: mapped('the URL path, /model/{modelId}/converse(-stream), percent-encoded'),
  messages: mapped('system/developer → system blocks; user, assistant and tool → alternating user/assistant turns'),
  stream: mapped('Converse (false) or ConverseStream (true)'),
  stream_options: mapped('usage always arrives in the stream metadata; include_usage decides whether the client sees it'),
  max_completion_tokens: mapped('inferenceConfig.maxTokens'),
  max_tokens: mapped('inferenceConfig.maxTokens (max_completion_tokens wins when both are set)'),
  temperature: mapped('inferenceConfig.temperature; Bedrock accepts 0–1, so a larger value is dropped (refused when strict)'),
  top_p: mapped('inferenceConfig.topP'),
  stop: mapped('inferenceConfig.stopSequences'),
  tools: mapped('toolConfig.tools[].toolSpec (parameters → inputSchema.json, strict → strict); cache_control → a cachePoint'),
  tool_choice: mapped('auto → auto, required → any, a named function → tool; none → no toolConfig (dropped when the conversation already holds tool calls)'),
  parallel_tool_calls: mapped('true is what Converse does; false is dropped (refused when strict)'),
  response_format: mapped('json_schema → outputConfig.textFormat; text → nothing; json_object is dropped (refused when strict)'),
  reasoning_effort: mapped('Claude models: additionalModelRequestFields.thinking with a token budget; other models: dropped (refused when strict)'),
  user: mapped('requestMetadata.user (for invocation-log filters)'),
  safety_identifier: mapped('requestMetadata.safety_identifier'),
  service_tier: mapped('serviceTier.type for default, flex and priority (fast → priority); auto → nothing; scale dropped (refused when strict)'),
  // Extensions, for callers who know they talk to Bedrock.
  top_k: mapped('Claude: additionalModelRequestFields.top_k; Nova: additionalModelRequestFields.inferenceConfig.topK; others dropped'),
  thinking: mapped('Claude models: additionalModelRequestFields.thinking, as given'),
  additionalModelRequestFields: mapped('merged into additionalModelRequestFields (e.g. Nova reasoningConfig, top_k)'),
  guardrailConfig: mapped('guardrailConfig, as given'),
  performanceConfig: mapped('performanceConfig, as given'),

  n: unsupported('Converse returns one choice', isOne),
  logprobs: unsupported('Converse returns no log probabilities', isFalse),
  top_logprobs: unsupported('Converse returns no log probabilities', isZero),
  logit_bias: unsupported('Converse has no logit bias'),
  frequency_penalty: unsupported('Converse has no frequency penalty', isZero),
  presence_penalty: unsupported('Converse has no presence penalty', isZero),
  seed: unsupported('Converse has no seed'),
  modalities: unsupported('Converse answers in text', isTextOnly),
  audio: unsupported('Converse answers in text'),
  prediction: unsupported('Converse has no predicted outputs'),
  web_search_options: unsupported('Converse has no built-in web search'),
  verbosity: unsupported('Converse has no verbosity setting'),
  store: unsupported('Bedrock stores nothing for later retrieval', isFalse),
  metadata: unsupported('OpenAI stored-completion metadata has no Bedrock counterpart (modelgate reads `metadata` as a gateway parameter)'),
  prompt_cache_key: unsupported('Bedrock caches at cachePoint blocks: use cache_control on message parts'),
  prompt_cache_retention: unsupported('Bedrock caches at cachePoint blocks: use cache_control with a ttl'),
  prompt_cache_options: unsupported('Bedrock caches at cachePoint blocks: use cache_control on message parts'),
  moderation: unsupported('Converse has no moderation option (use guardrailConfig)'),
  functions: unsupported('the deprecated functions API has no Converse counterpart: use tools'),
  function_call: unsupported('the deprecated functions API has no Converse counterpart: use tool_choice'),
};

/** Collects what a request loses on the way to Bedrock, or refuses it when strict. */
export class ParamReport {
  readonly dropped: string[] = [];

  constructor(
    private readonly providerId: string,
    private readonly strict: boolean,
  ) {}

  drop(param: string, why: string): void {
    if (this.strict) throw unsupportedParam(this.providerId, param, why);
    if (!this.dropped.includes(param)) this.dropped.push(param);
  }
}

/** A 400 for something Bedrock cannot do; another target of the chain may, so it may fall back. */
export function unsupportedParam(providerId: string, param: string, why: string): GatewayError {
  return new GatewayError({
    status: 400,
    code: 'unsupported_parameter',
    param,
    fallback: true,
    message: `Provider \`${providerId}\` (AWS Bedrock) cannot honour \`${param}\`: ${why}.`,
  });
}

/** Applies the table's unsupported rows and reports unknown parameters; mapped ones are converted elsewhere. */
export function reportUnsupported(body: Record<string, unknown>, report: ParamReport): void {
  for (const key of Object.keys(body)) {
    const rule = Object.hasOwn(BEDROCK_PARAM_POLICY, key) ? BEDROCK_PARAM_POLICY[key] : undefined;
    if (!rule) report.drop(key, 'it is not an OpenAI chat parameter modelgate can map to Converse');
    else if (rule.action === 'unsupported' && !rule.neutral(body[key])) report.drop(key, rule.why);
  }
}
