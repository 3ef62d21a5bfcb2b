/**
 * An OpenAI chat request → a Converse request body, following the table in param-policy.ts.
 */
import { invalidRequest } from '../../errors.js';
import { convertMessages } from './convert-messages.js';
import { convertTools } from './convert-tools.js';
import type { ParamReport } from '../kit/param-policy.js';
import { bedrockParamReport, reportUnsupported } from './param-policy.js';
import type { ConverseRequest } from './types.js';

export interface ConvertedRequest {
  body: ConverseRequest;
  droppedParams: string[];
}

/** Thinking budgets for `reasoning_effort` on Claude models (budget_tokens must be ≥ 1024). */
export const CLAUDE_THINKING_BUDGETS: Readonly<Record<string, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 32768,
  max: 49152,
};
/** Room for the answer when reasoning is on and the caller set no max_tokens. */
export const ANSWER_TOKENS_WITH_THINKING = 8192;

/** `anthropic.claude-...`, `us.anthropic.claude-...`, or an ARN naming one. */
const CLAUDE_MODEL = /(?:^|[./:])anthropic\.claude/;
/** `amazon.nova-...`, `us.amazon.nova-...`, or an ARN naming one. */
const NOVA_MODEL = /(?:^|[./:])amazon\.nova/;
/** requestMetadata values: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#bedrock-runtime_Converse-request-requestMetadata */
const METADATA_VALUE = /^[a-zA-Z0-9\s:_@$#=/+,\-.]{0,256}$/;

export function convertRequest(
  providerId: string,
  model: string,
  body: Record<string, unknown>,
  strict: boolean,
): ConvertedRequest {
  const report = bedrockParamReport(providerId, strict);
  reportUnsupported(body, report);
  const converted = convertMessages(body.messages as unknown[], { providerId, report, documentNames: new Set() });
  if (converted.messages.length === 0)
    throw invalidRequest('`messages` must hold at least one user or assistant message with content.', 'messages');

  const request: ConverseRequest = { messages: converted.messages };
  if (converted.system.length) request.system = converted.system;

  const inference = inferenceConfig(body, report);
  const additional = { ...objectParam(body, 'additionalModelRequestFields') };
  applyTopK(body.top_k, model, additional, report);
  applyReasoning(body, model, inference, additional, report);
  if (Object.keys(inference).length) request.inferenceConfig = inference;
  if (Object.keys(additional).length) request.additionalModelRequestFields = additional;

  const toolConfig = convertTools(body, converted, report);
  if (toolConfig) request.toolConfig = toolConfig;

  const outputConfig = responseFormat(body.response_format, report);
  if (outputConfig) request.outputConfig = outputConfig;

  const metadata: Record<string, string> = {};
  for (const key of ['user', 'safety_identifier'] as const) {
    const value = body[key];
    if (value === undefined || value === null) continue;
    if (typeof value === 'string' && METADATA_VALUE.test(value)) metadata[key] = value;
    else
      report.drop(
        key,
        'Bedrock requestMetadata values are at most 256 letters, digits, spaces and :_@$#=/+,-. characters',
      );
  }
  if (Object.keys(metadata).length) request.requestMetadata = metadata;

  const tier = body.service_tier;
  if (tier === 'default' || tier === 'flex' || tier === 'priority') request.serviceTier = { type: tier };
  else if (tier === 'fast')
    request.serviceTier = { type: 'priority' }; // OpenAI's alias of priority
  else if (tier !== undefined && tier !== null && tier !== 'auto')
    report.drop('service_tier', `Bedrock service tiers are default, flex and priority, not ${JSON.stringify(tier)}`);

  const guardrail = objectParam(body, 'guardrailConfig');
  if (guardrail) request.guardrailConfig = guardrail;
  const performance = objectParam(body, 'performanceConfig');
  if (performance) request.performanceConfig = performance as ConverseRequest['performanceConfig'];
  return { body: request, droppedParams: report.dropped };
}

function inferenceConfig(
  body: Record<string, unknown>,
  report: ParamReport,
): NonNullable<ConverseRequest['inferenceConfig']> {
  const config: NonNullable<ConverseRequest['inferenceConfig']> = {};
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens !== undefined && maxTokens !== null) {
    const param =
      body.max_completion_tokens !== undefined && body.max_completion_tokens !== null
        ? 'max_completion_tokens'
        : 'max_tokens';
    if (!Number.isInteger(maxTokens) || (maxTokens as number) < 1)
      throw invalidRequest(`\`${param}\` must be a positive integer.`, param);
    config.maxTokens = maxTokens as number;
  }
  const temperature = body.temperature;
  if (temperature !== undefined && temperature !== null) {
    if (typeof temperature !== 'number' || !(temperature >= 0 && temperature <= 2))
      throw invalidRequest('`temperature` must be a number between 0 and 2.', 'temperature');
    if (temperature <= 1) config.temperature = temperature;
    else report.drop('temperature', `Bedrock accepts a temperature from 0 to 1, not ${temperature}`);
  }
  const topP = body.top_p;
  if (topP !== undefined && topP !== null) {
    if (typeof topP !== 'number' || !(topP >= 0 && topP <= 1))
      throw invalidRequest('`top_p` must be a number between 0 and 1.', 'top_p');
    config.topP = topP;
  }
  const stop = body.stop;
  if (typeof stop === 'string') {
    if (stop !== '') config.stopSequences = [stop];
  } else if (Array.isArray(stop)) {
    if (!stop.every((item) => typeof item === 'string'))
      throw invalidRequest('`stop` must be a string or an array of strings.', 'stop');
    const sequences = (stop as string[]).filter((item) => item !== '');
    if (sequences.length) config.stopSequences = sequences;
  } else if (stop !== undefined && stop !== null) {
    throw invalidRequest('`stop` must be a string or an array of strings.', 'stop');
  }
  return config;
}

/**
 * `reasoning_effort` (or Anthropic's own `thinking` object) → Claude's extended thinking
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-extended-thinking.html).
 * The budget counts against maxTokens, as OpenAI's max_completion_tokens counts reasoning.
 */
function applyReasoning(
  body: Record<string, unknown>,
  model: string,
  inference: NonNullable<ConverseRequest['inferenceConfig']>,
  additional: Record<string, unknown>,
  report: ParamReport,
): void {
  const claude = CLAUDE_MODEL.test(model);
  const thinking = body.thinking;
  if (thinking !== undefined && thinking !== null) {
    if (!claude) report.drop('thinking', 'the `thinking` object configures Claude models only');
    else if (typeof thinking !== 'object' || Array.isArray(thinking))
      throw invalidRequest('`thinking` must be an object.', 'thinking');
    else additional.thinking ??= thinking;
  }
  const effort = body.reasoning_effort;
  if (effort === undefined || effort === null || effort === 'none') return;
  if (typeof effort !== 'string' || !Object.hasOwn(CLAUDE_THINKING_BUDGETS, effort)) {
    throw invalidRequest(
      `\`reasoning_effort\` must be one of none, ${Object.keys(CLAUDE_THINKING_BUDGETS).join(', ')}.`,
      'reasoning_effort',
    );
  }
  if (!claude) {
    report.drop(
      'reasoning_effort',
      'modelgate maps it for Claude models only; use additionalModelRequestFields for others',
    );
    return;
  }
  if (additional.thinking !== undefined) return; // an explicit thinking object wins
  const budget = CLAUDE_THINKING_BUDGETS[effort];
  if (inference.maxTokens === undefined) inference.maxTokens = budget + ANSWER_TOKENS_WITH_THINKING;
  else if (inference.maxTokens <= budget) {
    throw invalidRequest(
      `\`reasoning_effort\` "${effort}" gives Claude a thinking budget of ${budget} tokens, which must be below the max_tokens of ${inference.maxTokens}. Raise max_tokens (or max_completion_tokens), or lower the effort.`,
      'reasoning_effort',
    );
  }
  additional.thinking = { type: 'enabled', budget_tokens: budget };
}

/**
 * `top_k` lives in model-specific fields: Claude's `top_k` (the Converse examples'
 * https://docs.aws.amazon.com/bedrock/latest/userguide/conversation-inference-examples.html) and
 * Nova's `inferenceConfig.topK` (https://docs.aws.amazon.com/nova/latest/nova2-userguide/core-inference.html).
 */
function applyTopK(topK: unknown, model: string, additional: Record<string, unknown>, report: ParamReport): void {
  if (topK === undefined || topK === null) return;
  if (!Number.isInteger(topK) || (topK as number) < 1)
    throw invalidRequest('`top_k` must be a positive integer.', 'top_k');
  if (CLAUDE_MODEL.test(model)) additional.top_k ??= topK;
  else if (NOVA_MODEL.test(model)) {
    const config = (additional.inferenceConfig ?? {}) as Record<string, unknown>;
    additional.inferenceConfig = { ...config, topK: config.topK ?? topK };
  } else
    report.drop(
      'top_k',
      'modelgate knows where top_k goes for Claude and Nova models only; use additionalModelRequestFields',
    );
}

function responseFormat(format: unknown, report: ParamReport): ConverseRequest['outputConfig'] {
  if (format === undefined || format === null) return undefined;
  const { type, json_schema: jsonSchema } = format as {
    type?: unknown;
    json_schema?: { name?: unknown; description?: unknown; schema?: unknown };
  };
  if (type === 'text') return undefined;
  if (type === 'json_object') {
    report.drop('response_format', 'Converse has no JSON mode without a schema: send a json_schema');
    return undefined;
  }
  if (type !== 'json_schema' || typeof jsonSchema !== 'object' || jsonSchema === null) {
    throw invalidRequest(
      '`response_format` must be { type: "text" | "json_object" | "json_schema", ... }.',
      'response_format',
    );
  }
  const definition: { schema: string; name?: string; description?: string } = {
    schema: JSON.stringify(jsonSchema.schema ?? { type: 'object' }),
  };
  if (typeof jsonSchema.name === 'string') definition.name = jsonSchema.name;
  if (typeof jsonSchema.description === 'string') definition.description = jsonSchema.description;
  return { textFormat: { type: 'json_schema', structure: { jsonSchema: definition } } };
}

function objectParam(body: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidRequest(`\`${key}\` must be an object.`, key);
  return value as Record<string, unknown>;
}
