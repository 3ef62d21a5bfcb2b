/**
 * A Gemini `GenerateContentResponse` (https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse)
 * → an OpenAI `chat.completion`: one choice per candidate, text joined, thought summaries as
 * `reasoning_content`, function calls as `tool_calls` with string arguments, thought signatures in
 * `extra_content` (see thought-signatures.ts), usage in OpenAI's conventions.
 */
import { upstreamInvalidResponse } from '../../errors.js';
import type { FinishReason } from '../openai-types.js';
import type { ConvertedResponse } from '../types.js';
import { malformedFunctionCall } from './errors.js';
import type { GeminiCandidate, GeminiResponse } from './gemini-types.js';
import { isFailedCandidate, mapFinishReason } from './map-finish-reason.js';
import { argumentsJson, partKind, toOpenAILogprobs, toolCallId } from './read-parts.js';
import { signatureCarrier, type SignatureCarrier } from './thought-signatures.js';
import { fromGeminiUsage } from './usage.js';
import { toOpenAIUsage } from '../../usage.js';

export interface ResponseContext {
  providerId: string;
  /** The model asked for, used when the response does not name its version. */
  model: string;
  /** A fresh id for responses without `responseId`. */
  newId: () => string;
  /** Unix seconds. */
  now: () => number;
}

interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
  extra_content?: SignatureCarrier;
}

interface ChatMessage {
  role: 'assistant';
  content: string | null;
  refusal: null;
  reasoning_content?: string;
  tool_calls?: ToolCall[];
  extra_content?: SignatureCarrier;
}

export function convertResponse(json: GeminiResponse, context: ResponseContext): ConvertedResponse {
  const responseId = typeof json.responseId === 'string' && json.responseId ? json.responseId : context.newId();
  const candidates = Array.isArray(json.candidates) ? json.candidates : [];
  let choices: Array<Record<string, unknown>>;
  if (candidates.length === 0) {
    if (!json.promptFeedback?.blockReason) {
      throw upstreamInvalidResponse(`Provider \`${context.providerId}\` answered without a candidate.`);
    }
    // The prompt itself was blocked: an answer that says so, as OpenAI's content filter does.
    choices = [
      {
        index: 0,
        message: { role: 'assistant', content: null, refusal: null },
        finish_reason: 'content_filter',
        logprobs: null,
      },
    ];
  } else {
    choices = candidates.map((candidate, position) =>
      convertCandidate(candidate, position, responseId, context, candidates.length),
    );
  }
  const body: Record<string, unknown> = {
    id: `chatcmpl-${responseId}`,
    object: 'chat.completion',
    created: context.now(),
    model: json.modelVersion || context.model,
    choices,
  };
  const usage = json.usageMetadata ? fromGeminiUsage(json.usageMetadata) : undefined;
  if (usage) body.usage = toOpenAIUsage(usage);
  return { body, usage };
}

function convertCandidate(
  candidate: GeminiCandidate,
  position: number,
  responseId: string,
  context: ResponseContext,
  count: number,
) {
  const index = typeof candidate.index === 'number' ? candidate.index : position;
  const message: ChatMessage = { role: 'assistant', content: null, refusal: null };
  let text = '';
  let reasoning = '';
  const calls: ToolCall[] = [];
  for (const part of candidate.content?.parts ?? []) {
    const kind = partKind(part);
    switch (kind) {
      case 'text':
        text += part.text;
        break;
      case 'thought':
        reasoning += part.text;
        break;
      case 'functionCall': {
        const call: ToolCall = {
          id: toolCallId(part.functionCall!, responseId, index, calls.length),
          type: 'function',
          function: { name: part.functionCall!.name ?? '', arguments: argumentsJson(part.functionCall!) },
        };
        if (part.thoughtSignature) call.extra_content = signatureCarrier(part.thoughtSignature);
        calls.push(call);
        continue;
      }
      case 'other':
        break;
      default:
        return assertNever(kind);
    }
    if (part.thoughtSignature) message.extra_content = signatureCarrier(part.thoughtSignature);
  }
  const produced = text !== '' || calls.length > 0;
  if (count === 1 && isFailedCandidate(candidate.finishReason, produced)) {
    throw malformedFunctionCall(context.providerId);
  }
  if (text) message.content = text;
  if (reasoning) message.reasoning_content = reasoning;
  if (calls.length) message.tool_calls = calls;
  const finish: FinishReason = mapFinishReason(candidate.finishReason ?? 'STOP', calls.length > 0);
  return {
    index,
    message,
    finish_reason: finish,
    logprobs: candidate.logprobsResult ? toOpenAILogprobs(candidate.logprobsResult) : null,
  };
}

function assertNever(value: never): never {
  throw new Error(`unhandled Gemini part kind: ${String(value)}`);
}
