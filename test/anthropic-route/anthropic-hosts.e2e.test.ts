/**
 * The Anthropic route on every host kind (the shared hosts helper): the SDK's create and stream
 * through the bridge, and an Anthropic-shaped error (also when a host's body parser refuses the
 * body). The response cache on this route: a bridged answer stored once is served again, as JSON
 * and as a stream of Anthropic events. A customer's rate limit answers Anthropic's 429.
 */
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import {
  assertValidAnthropicError,
  assertValidAnthropicEvent,
  assertValidAnthropicMessage,
} from '../helpers/anthropic-spec.js';
import { GATEWAY_KEY, MODELS, replayChat, useRouteStack } from '../helpers/anthropic-route-stack.js';
import { fixtureChunks, fixtureJson } from '../helpers/fixtures.js';
import { HOST_KINDS, PARSER_HOST_KINDS } from '../helpers/hosts.js';

const USER = [{ role: 'user' as const, content: 'Say hello' }];
const plain = (message: object) => {
  const { parsed_output: _sdkOwn, ...rest } = message as Record<string, unknown>;
  return rest;
};

for (const kind of HOST_KINDS) {
  describe(`on ${kind}`, () => {
    const stack = useRouteStack(kind);

    it('create, stream and an error: Anthropic shapes through the mount', async () => {
      stack.openai.handle(replayChat('openai-chat/openai-text.chunks.jsonl'));
      const created = await stack.client.messages.create({ model: MODELS.openai, max_tokens: 300, messages: USER });
      assertValidAnthropicMessage(created);
      const streamed = await stack.client.messages
        .stream({ model: MODELS.openai, max_tokens: 300, messages: USER })
        .finalMessage();
      assertValidAnthropicMessage(plain(streamed));
      // Two recordings (a JSON answer, a stream): each arrives whole.
      const recorded = fixtureJson('openai-chat/openai-text.json').choices[0].message.content;
      expect(created.content).toEqual([{ type: 'text', text: recorded, citations: null }]);
      const chunks = fixtureChunks('openai-chat/openai-text.chunks.jsonl');
      const text = chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('');
      expect(streamed.content).toEqual([{ type: 'text', text, citations: null }]);
      const anonymous = new Anthropic({ baseURL: stack.baseURL, apiKey: 'not-a-gateway-key', maxRetries: 0 });
      const refused = await anonymous.messages
        .create({ model: MODELS.openai, max_tokens: 8, messages: USER })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(Anthropic.AuthenticationError);
      expect((refused as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
        type: 'error',
        error: { type: 'authentication_error' },
      });
    });
  });
}

for (const kind of PARSER_HOST_KINDS) {
  describe(`behind a body parser (${kind})`, () => {
    const stack = useRouteStack(kind);

    it("the parser's refusal of bad JSON is Anthropic's invalid_request_error", async () => {
      const response = await fetch(`${stack.baseURL}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': GATEWAY_KEY },
        body: '{"model":',
      });
      expect(response.status).toBe(400);
      const body = await response.json();
      assertValidAnthropicError(body);
      expect(body.error).toMatchObject({ type: 'invalid_request_error', message: expect.stringContaining('JSON') });
    });
  });
}

describe('the response cache', () => {
  const stack = useRouteStack('express', { cache: { enabled: true } });

  it('serves a stored answer again, as JSON and as a stream of Anthropic events', async () => {
    stack.openai.handle(replayChat('openai-chat/openai-text.chunks.jsonl'));
    const request = { model: MODELS.openai, max_tokens: 300, messages: USER };
    const first = await stack.client.messages.create(request);
    const again = await stack.client.messages.create(request).withResponse();
    expect(again.response.headers.get('x-modelgate-cache')).toBe('hit');
    expect(again.data).toEqual(first);
    const response = await fetch(`${stack.baseURL}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': GATEWAY_KEY },
      body: JSON.stringify({ ...request, stream: true }),
    });
    expect(response.headers.get('x-modelgate-cache')).toBe('hit');
    const events = (await response.text())
      .split('\n\n')
      .filter(Boolean)
      .map((frame) => JSON.parse(frame.slice(frame.indexOf('data: ') + 6)));
    for (const event of events) assertValidAnthropicEvent(event);
    expect(events.map((event) => event.type)).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[3].delta.text).toBe((first.content[0] as { text: string }).text);
    expect(stack.openai.requests).toHaveLength(1);
  });
});

describe("a customer's rate limit", () => {
  const stack = useRouteStack('express', {
    customers: { acme: { rateLimit: 1 } },
  });

  it("answer in Anthropic's shape: rate_limit_error with retry-after, and the SDK's own classes", async () => {
    stack.openai.handle(replayChat('openai-chat/openai-text.chunks.jsonl'));
    const acme = new Anthropic({
      baseURL: stack.baseURL,
      apiKey: GATEWAY_KEY,
      maxRetries: 0,
      defaultHeaders: { 'x-modelgate-params': JSON.stringify({ customer_identifier: 'acme' }) },
    });
    await acme.messages.create({ model: MODELS.openai, max_tokens: 300, messages: USER });
    const limited = await acme.messages
      .create({ model: MODELS.openai, max_tokens: 300, messages: USER })
      .catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    const error = limited as InstanceType<typeof Anthropic.RateLimitError>;
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(Number(error.headers?.get('retry-after'))).toBeGreaterThan(0);
    assertValidAnthropicError(error.error);
  });
});
