/**
 * `POST /responses`: OpenAI's Responses API, streamed or not. Passed through as is to upstreams
 * that serve it (OpenAI, Azure, OpenAI-compatible servers that have it); every other provider that
 * serves chat (Anthropic, Gemini, Bedrock, OpenAI-compatible servers without it) is reached through
 * chat completions by the bridge (./responses-bridge.ts; docs/responses.md).
 */
import type { ModelEndpoint } from '../endpoint.js';
import { responsesBridge } from './responses-bridge.js';
import { validateResponsesBody, responsesNeeds } from './responses-needs.js';
import { responsesStream } from './responses-stream.js';
import { fromResponsesUsage } from './responses-usage.js';

export const responses = {
  kind: 'model',
  id: 'responses',
  method: 'POST',
  path: '/responses',
  operation: 'responses',
  validate: validateResponsesBody,
  inputField: 'input',
  needs: responsesNeeds,
  checksCapabilities: true,
  // Not cached: a response is server-side state (its id, `store`, `previous_response_id` chains),
  // so a replayed answer would name a response the upstream never made for this request.
  cacheable: false,
  // Every answer has `"error": null`; a failed response carries its error there.
  errorIn: (body) => (body.status === 'failed' || !('output' in body) ? (body.error ?? undefined) : undefined),
  usageOf: (body) => fromResponsesUsage(body.usage),
  logOutput: (answer) => answer.output ?? null,
  stream: responsesStream,
  bridge: responsesBridge,
} as const satisfies ModelEndpoint;
