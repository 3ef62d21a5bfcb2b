/**
 * An OpenAI chat request → an Anthropic Messages request, following the parameter table in
 * param-policy.ts. Pure: no I/O, no clock.
 */
import { invalidRequest } from '../../errors.js';
import type { ProviderCall } from '../types.js';
import type { Effort, MessagesRequest, ThinkingConfig, ToolParam } from './anthropic-types.js';
import { readCacheControl } from './convert-content.js';
import { convertMessages } from './convert-messages.js';
import { convertTools } from './convert-tools.js';
import type { ParamReport } from '../kit/param-policy.js';
import { anthropicParamReport, reportUnmappedParams } from './param-policy.js';

export interface AnthropicRequestSettings {
  /** `max_tokens` when the request sets none (Anthropic requires it); a thinking budget is added on top. */
  defaultMaxTokens: number;
  /** How `reasoning_effort` becomes thinking: a token budget (every thinking model) or adaptive + effort. */
  thinking: 'budget' | 'adaptive';
  /** Named in a refusal under `strictParams`. */
  providerId?: string;
}

export interface ConvertedRequest {
  body: MessagesRequest;
  droppedParams: string[];
}

/** `reasoning_effort` → `thinking.budget_tokens` in budget mode. */
export const THINKING_BUDGETS: Readonly<Record<string, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 4096,
  high: 8192,
  xhigh: 16384,
  max: 32768,
};
/** `reasoning_effort` → `output_config.effort` in adaptive mode (Anthropic has no `minimal`). */
const ADAPTIVE_EFFORTS: Readonly<Record<string, Effort>> = {
  minimal: 'low',
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'xhigh',
  max: 'max',
};

/** The tool that carries a `json_object` answer: Anthropic has no schema-less JSON mode. */
export const JSON_TOOL: ToolParam = {
  name: 'json',
  description: 'Respond with a JSON object.',
  input_schema: { type: 'object' },
};

export function convertRequest(call: ProviderCall, settings: AnthropicRequestSettings): ConvertedRequest {
  const body = call.body as Record<string, any>;
  const report = anthropicParamReport(call.strictParams, settings.providerId);
  reportUnmappedParams(body, report);

  const { system, messages } = convertMessages(body.messages);
  const thinking = resolveThinking(body, settings, report);
  const thinkingOn = thinking.config?.type === 'enabled' || thinking.config?.type === 'adaptive';
  const request: MessagesRequest = {
    model: call.model,
    max_tokens: maxTokens(body, settings, thinking.budget),
    messages,
  };
  if (system.length) request.system = system;

  const { tools, tool_choice } = convertTools(body, report, thinkingOn);
  if (tools) request.tools = tools;
  if (tool_choice) request.tool_choice = tool_choice;
  if (thinking.config) request.thinking = thinking.config;
  if (thinking.effort) request.output_config = { effort: thinking.effort };
  applyResponseFormat(body, request, report, thinkingOn);

  const stop = stopSequences(body.stop);
  if (stop) request.stop_sequences = stop;
  applySampling(body, request, report, thinkingOn);
  if ((body.n ?? 1) !== 1) report.drop('n', 'Anthropic returns one choice per request');

  const userId = body.safety_identifier ?? body.user;
  if (typeof userId === 'string' && userId !== '') {
    if (userId.length <= 512) request.metadata = { user_id: userId };
    else
      report.drop(
        body.safety_identifier ? 'safety_identifier' : 'user',
        'Anthropic takes a user id of at most 512 characters',
      );
  }
  if (body.service_tier === 'auto') request.service_tier = 'auto';
  else if (body.service_tier === 'default') request.service_tier = 'standard_only';
  else if (body.service_tier != null)
    report.drop('service_tier', `Anthropic offers auto and standard_only, not \`${String(body.service_tier)}\``);
  const cache = body.cache_control == null ? undefined : readCacheControl(body, '');
  if (cache) request.cache_control = cache;
  if (call.stream) request.stream = true;
  return { body: request, droppedParams: report.dropped };
}

/** True when a `json_object` answer travels in the forced `json` tool (the translators need to know). */
export function usesJsonTool(body: Record<string, any>): boolean {
  return (
    body.response_format?.type === 'json_object' &&
    !(Array.isArray(body.tools) && body.tools.length > 0) &&
    !thinkingRequested(body)
  );
}

function thinkingRequested(body: Record<string, any>): boolean {
  if (body.thinking != null) return body.thinking.type === 'enabled' || body.thinking.type === 'adaptive';
  return typeof body.reasoning_effort === 'string' && body.reasoning_effort !== 'none';
}

interface Thinking {
  config?: ThinkingConfig;
  effort?: Effort;
  budget?: number;
}

function resolveThinking(body: Record<string, any>, settings: AnthropicRequestSettings, report: ParamReport): Thinking {
  const { thinking, reasoning_effort: effort } = body;
  if (thinking != null) {
    if (effort != null) report.drop('reasoning_effort', 'the `thinking` object of the same request decides');
    if (thinking.type === 'disabled' || thinking.type === 'adaptive') return { config: { type: thinking.type } };
    if (thinking.type === 'enabled' && Number.isInteger(thinking.budget_tokens) && thinking.budget_tokens >= 1024) {
      return { config: { type: 'enabled', budget_tokens: thinking.budget_tokens }, budget: thinking.budget_tokens };
    }
    throw invalidRequest(
      '`thinking` must be {"type":"enabled","budget_tokens":>=1024}, {"type":"adaptive"} or {"type":"disabled"}.',
      'thinking',
    );
  }
  if (effort == null) return {};
  if (effort === 'none') return { config: { type: 'disabled' } };
  if (!Object.hasOwn(THINKING_BUDGETS, effort)) {
    throw invalidRequest(
      `\`reasoning_effort\` must be one of none, ${Object.keys(THINKING_BUDGETS).join(', ')}.`,
      'reasoning_effort',
    );
  }
  if (settings.thinking === 'adaptive') return { config: { type: 'adaptive' }, effort: ADAPTIVE_EFFORTS[effort] };
  const budget = THINKING_BUDGETS[effort];
  return { config: { type: 'enabled', budget_tokens: budget }, budget };
}

function maxTokens(body: Record<string, any>, settings: AnthropicRequestSettings, budget: number | undefined): number {
  const param =
    body.max_completion_tokens != null ? 'max_completion_tokens' : body.max_tokens != null ? 'max_tokens' : undefined;
  if (!param) return settings.defaultMaxTokens + (budget ?? 0);
  const value = body[param];
  if (!Number.isInteger(value) || value < 1) throw invalidRequest(`\`${param}\` must be a positive integer.`, param);
  // Thinking counts toward max_tokens and its budget must stay below it; bending either would be a silent clamp.
  if (budget !== undefined && value <= budget) {
    throw invalidRequest(
      `\`${param}\` (${value}) must be larger than the thinking budget (${budget} tokens): raise it, or lower reasoning_effort.`,
      param,
    );
  }
  return value;
}

function applyResponseFormat(
  body: Record<string, any>,
  request: MessagesRequest,
  report: ParamReport,
  thinkingOn: boolean,
): void {
  const format = body.response_format;
  if (format == null || format.type === 'text') return;
  if (format.type === 'json_schema') {
    const schema = format.json_schema?.schema;
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
      throw invalidRequest(
        '`response_format.json_schema.schema` must be a JSON schema object.',
        'response_format.json_schema.schema',
      );
    }
    // Structured outputs: Anthropic constrains decoding to the schema (strict or not on the OpenAI side).
    request.output_config = { ...request.output_config, format: { type: 'json_schema', schema } };
    return;
  }
  if (format.type !== 'json_object')
    throw invalidRequest(`\`response_format.type\` \`${String(format.type)}\` is not known.`, 'response_format.type');
  if (!usesJsonTool(body)) {
    const why = thinkingOn ? 'extended thinking' : 'other tools';
    report.drop(
      'response_format',
      `json_object needs a forced tool on Anthropic, which does not combine with ${why}; use json_schema`,
    );
    return;
  }
  request.tools = [JSON_TOOL];
  request.tool_choice = { type: 'tool', name: JSON_TOOL.name };
}

function applySampling(
  body: Record<string, any>,
  request: MessagesRequest,
  report: ParamReport,
  thinkingOn: boolean,
): void {
  const { temperature, top_p: topP, top_k: topK } = body;
  if (temperature != null) {
    if (typeof temperature !== 'number' || temperature < 0 || temperature > 2)
      throw invalidRequest('`temperature` must be a number from 0 to 2.', 'temperature');
    if (temperature > 1) report.drop('temperature', `Anthropic accepts 0 to 1, not ${temperature}`);
    else if (thinkingOn && temperature !== 1)
      report.drop('temperature', 'extended thinking only runs at temperature 1');
    else request.temperature = temperature;
  }
  if (topP != null) {
    if (typeof topP !== 'number' || topP < 0 || topP > 1)
      throw invalidRequest('`top_p` must be a number from 0 to 1.', 'top_p');
    if (thinkingOn && topP < 0.95) report.drop('top_p', 'extended thinking only takes top_p from 0.95 to 1');
    else request.top_p = topP;
  }
  if (topK != null) {
    if (!Number.isInteger(topK) || topK < 1) throw invalidRequest('`top_k` must be a positive integer.', 'top_k');
    if (thinkingOn) report.drop('top_k', 'extended thinking does not take top_k');
    else request.top_k = topK;
  }
}

function stopSequences(stop: unknown): string[] | undefined {
  if (stop == null) return undefined;
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop) && stop.every((item) => typeof item === 'string')) return stop.length ? stop : undefined;
  throw invalidRequest('`stop` must be a string or an array of strings.', 'stop');
}
