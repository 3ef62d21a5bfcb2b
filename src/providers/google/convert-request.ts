/**
 * An OpenAI chat request → a Gemini `generateContent` body
 * (https://ai.google.dev/api/generate-content#request-body), following the policy table in
 * param-policy.ts: every parameter is mapped, or dropped and reported, or refused.
 */
import { invalidRequest } from '../../errors.js';
import type { ProviderCall } from '../types.js';
import { convertMessages } from './convert-messages.js';
import {
  convertResponseFormat,
  convertToolChoice,
  convertTools,
  type FunctionCallingConfig,
  type FunctionDeclaration,
} from './convert-tools.js';
import type { GeminiContent, GeminiPart, GeminiSchema } from './gemini-types.js';
import { checkTopLevelParams, geminiParamReport } from './param-policy.js';
import { thinkingConfig, type ThinkingConfig } from './thinking-config.js';
import { validatesSignatures } from './thought-signatures.js';

export interface SafetySetting {
  category: string;
  threshold: string;
}

export interface GeminiRequestBody {
  contents: GeminiContent[];
  systemInstruction?: { parts: GeminiPart[] };
  tools?: Array<{ functionDeclarations: FunctionDeclaration[] }>;
  toolConfig?: { functionCallingConfig: FunctionCallingConfig };
  safetySettings?: SafetySetting[];
  generationConfig?: GenerationConfig;
}

interface GenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  candidateCount?: number;
  stopSequences?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseLogprobs?: boolean;
  logprobs?: number;
  responseMimeType?: string;
  responseSchema?: GeminiSchema;
  thinkingConfig?: ThinkingConfig;
}

export interface ConvertedRequest {
  body: GeminiRequestBody;
  droppedParams: string[];
}

export function convertRequest(
  call: ProviderCall,
  options: { safetySettings?: SafetySetting[]; providerId?: string } = {},
): ConvertedRequest {
  const body = call.body;
  const report = geminiParamReport(call.strictParams, options.providerId);
  checkTopLevelParams(body, report);

  const { systemInstruction, contents } = convertMessages(body.messages as unknown[], report, {
    injectSkipSignature: validatesSignatures(call.model),
  });
  const request: GeminiRequestBody = { contents };
  if (systemInstruction) request.systemInstruction = systemInstruction;

  const declarations = convertTools(body.tools, report);
  if (declarations.length) request.tools = [{ functionDeclarations: declarations }];
  const functionCallingConfig = convertToolChoice(body.tool_choice, declarations);
  if (functionCallingConfig) request.toolConfig = { functionCallingConfig };
  if (body.parallel_tool_calls === false)
    report.drop('parallel_tool_calls', 'Gemini cannot be told to call one function at a time');
  if (Array.isArray(body.modalities) && body.modalities.some((modality) => modality !== 'text'))
    report.drop('modalities', 'generateContent text models answer in text');

  const config: GenerationConfig = {};
  setNumber(config, 'temperature', body.temperature, 'temperature');
  setNumber(config, 'topP', body.top_p, 'top_p');
  setNumber(config, 'topK', body.top_k, 'top_k');
  setNumber(
    config,
    'maxOutputTokens',
    body.max_completion_tokens ?? body.max_tokens,
    body.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens',
  );
  setNumber(config, 'candidateCount', body.n, 'n');
  setNumber(config, 'seed', body.seed, 'seed');
  // A zero penalty is the default, not a request: several Gemini models refuse penalties outright.
  if (body.presence_penalty !== 0) setNumber(config, 'presencePenalty', body.presence_penalty, 'presence_penalty');
  if (body.frequency_penalty !== 0) setNumber(config, 'frequencyPenalty', body.frequency_penalty, 'frequency_penalty');
  const stop = stopSequences(body.stop);
  if (stop) config.stopSequences = stop;
  if (body.logprobs === true) {
    config.responseLogprobs = true;
    setNumber(config, 'logprobs', body.top_logprobs, 'top_logprobs');
  } else if (body.top_logprobs != null) {
    throw invalidRequest('`top_logprobs` needs `logprobs: true`.', 'top_logprobs');
  }
  Object.assign(config, convertResponseFormat(body.response_format, report));
  const thinking = thinkingConfig(call.model, body, report);
  if (thinking) config.thinkingConfig = thinking;
  if (Object.keys(config).length) request.generationConfig = config;
  if (options.safetySettings?.length) request.safetySettings = options.safetySettings;
  return { body: request, droppedParams: report.dropped };
}

type NumericKey =
  | 'temperature'
  | 'topP'
  | 'topK'
  | 'maxOutputTokens'
  | 'candidateCount'
  | 'seed'
  | 'presencePenalty'
  | 'frequencyPenalty'
  | 'logprobs';

/** Numbers go as given (no clamping); a wrong type is the client's 400, named. */
function setNumber(config: GenerationConfig, key: NumericKey, value: unknown, param: string): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw invalidRequest(`\`${param}\` must be a number.`, param);
  config[key] = value;
}

function stopSequences(stop: unknown): string[] | undefined {
  if (stop === undefined || stop === null) return undefined;
  const list = typeof stop === 'string' ? [stop] : stop;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string'))
    throw invalidRequest('`stop` must be a string or an array of strings.', 'stop');
  return list.length ? list : undefined;
}
