/**
 * Anthropic's Messages API under the mount (`/anthropic/v1/...`), so that
 * `ANTHROPIC_BASE_URL=http://host/api/anthropic` works for the Anthropic SDKs and Claude Code:
 * - `POST /anthropic/v1/messages`: natively (the body as it came, `anthropic-version` and
 *   `anthropic-beta` passed) to providers that speak the Messages API (Anthropic), through the
 *   bridge (chat completions) to every other;
 * - `POST /anthropic/v1/messages/count_tokens`: Anthropic's own count, Gemini's (countTokens, through
 *   the bridge), else an estimate;
 * - `GET /anthropic/v1/models`: the routed models in Anthropic's list shape (./anthropic-models.ts).
 * Errors are Anthropic's, before and during a stream. `metadata` is Anthropic's field here
 * (`metadata.user_id`): the gateway's `metadata` comes in `modelgate_params` or the headers.
 */
import type { ModelEndpoint } from '../endpoint.js';
import { anthropicErrors } from './anthropic-errors.js';
import { countTokensBridge, messagesBridge } from './bridge/index.js';
import { estimateInputTokens, messagesNeeds, validateCountTokensBody, validateMessagesBody } from './messages-needs.js';
import { messagesStream } from './messages-stream.js';
import { fromMessagesUsage } from './messages-usage.js';

/** An error in a 200 body, Anthropic-style. */
const errorIn = (body: Record<string, unknown>) => (body.type === 'error' ? (body.error ?? {}) : undefined);

export const anthropicMessages = {
  kind: 'model',
  id: 'anthropic.messages',
  method: 'POST',
  path: '/anthropic/v1/messages',
  operation: 'messages',
  validate: validateMessagesBody,
  inputField: 'messages',
  needs: messagesNeeds,
  checksCapabilities: true,
  cacheable: true,
  errorIn,
  usageOf: (body) => fromMessagesUsage(body.usage),
  logOutput: (answer) => answer.content ?? null,
  stream: messagesStream,
  bridge: messagesBridge,
  apiFields: ['metadata'],
  forwardHeaders: ['anthropic-version', 'anthropic-beta'],
  errors: anthropicErrors,
} as const satisfies ModelEndpoint;

export const anthropicCountTokens = {
  kind: 'model',
  id: 'anthropic.count_tokens',
  method: 'POST',
  path: '/anthropic/v1/messages/count_tokens',
  operation: 'count_tokens',
  validate: validateCountTokensBody,
  inputField: 'messages',
  // Counting costs no output: the budget estimate sees the prompt only.
  needs: (body) => ({ ...messagesNeeds(body), maxOutputTokens: undefined }),
  checksCapabilities: false,
  cacheable: false,
  errorIn,
  usageOf: () => undefined,
  logOutput: (answer) => answer,
  bridge: countTokensBridge,
  apiFields: ['metadata'],
  forwardHeaders: ['anthropic-version', 'anthropic-beta'],
  errors: anthropicErrors,
  estimate: (body) => ({ input_tokens: estimateInputTokens(body) }),
} as const satisfies ModelEndpoint;
