/**
 * `POST /responses`: OpenAI's Responses API, streamed or not, served by pass-through to upstreams
 * that speak OpenAI's wire format (OpenAI, Azure, OpenAI-compatible). Translating providers do not
 * list it in `translates` yet, so they are refused it (400 `unsupported_operation`, which falls
 * back to the next model).
 */
import type { ModelEndpoint } from '../endpoint.js';
import { validateResponsesBody, responsesNeeds } from './responses-needs.js';
import { responsesBridge } from './responses-bridge.js';
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
