/**
 * A Claude Code style request end to end (its headers, betas, `?beta=true`, system blocks with
 * cache_control, tools, metadata.user_id, thinking), to Anthropic and through the bridge; the model
 * list and count_tokens Claude Code calls; gateway parameters on this route.
 */
import { describe, expect, it } from 'vitest';
import { recordedWire } from '../helpers/anthropic-recordings.js';
import {
  assertValidAnthropicEvent,
  assertValidAnthropicModelList,
  assertValidAnthropicTokenCount,
} from '../helpers/anthropic-spec.js';
import { GATEWAY_KEY, MODELS, replayAnthropic, replayChat, useRouteStack } from '../helpers/anthropic-route-stack.js';
import { json } from '../helpers/upstream.js';

const stack = useRouteStack();

const CLAUDE_CODE_HEADERS = {
  'content-type': 'application/json',
  authorization: `Bearer ${GATEWAY_KEY}`,
  'anthropic-version': '2023-06-01',
  'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14',
  'anthropic-dangerous-direct-browser-access': 'true',
  'x-app': 'cli',
  'user-agent': 'claude-cli/2.1.76 (external, cli)',
  'x-claude-code-session-id': '5b0c1a52-3c77-4f0e-9d53-0d3f1f6a2e11',
  'x-stainless-lang': 'js',
};

function claudeCodeBody(model: string) {
  return {
    model,
    max_tokens: 32000,
    stream: true,
    temperature: 1,
    system: [
      {
        type: 'text',
        text: "You are Claude Code, Anthropic's official CLI for Claude.",
        cache_control: { type: 'ephemeral' },
      },
      { type: 'text', text: 'Working directory: /repo. <env>linux</env>', cache_control: { type: 'ephemeral' } },
    ],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: '<system-reminder>Use the tools.</system-reminder>' },
          { type: 'text', text: 'Why does `npm test` fail?', cache_control: { type: 'ephemeral' } },
        ],
      },
    ],
    tools: [
      {
        name: 'Bash',
        description: 'Runs a shell command.',
        input_schema: {
          type: 'object',
          properties: { command: { type: 'string' }, timeout: { type: 'number' } },
          required: ['command'],
          additionalProperties: false,
          $schema: 'http://json-schema.org/draft-07/schema#',
        },
      },
    ],
    metadata: { user_id: 'user_2f9c_account__session_5b0c1a52' },
    thinking: { type: 'enabled', budget_tokens: 31999 },
  };
}

async function send(body: object): Promise<Response> {
  return fetch(`${stack.baseURL}/v1/messages?beta=true`, {
    method: 'POST',
    headers: CLAUDE_CODE_HEADERS,
    body: JSON.stringify(body),
  });
}

describe('a Claude Code request', () => {
  it('to Anthropic: the body byte for byte, its betas and version, the stream back unchanged', async () => {
    stack.anthropic.handle(replayAnthropic('sdk-tool_use_response.sse'));
    const body = claudeCodeBody(MODELS.anthropic);
    const response = await send(body);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(recordedWire('sdk-tool_use_response.sse'));
    const received = stack.anthropic.requests[0];
    expect(received.url).toBe('/v1/messages');
    expect(received.rawBody).toBe(JSON.stringify(body));
    expect(received.headers['anthropic-beta']).toBe(CLAUDE_CODE_HEADERS['anthropic-beta']);
    expect(received.headers['anthropic-version']).toBe('2023-06-01');
    // The session id is for the gateway (aggregation), not the upstream.
    expect(received.headers['x-claude-code-session-id']).toBeUndefined();
  });

  it('to an OpenAI-format upstream: a valid chat request (no cache_control, no betas), Anthropic events back', async () => {
    stack.openai.handle(replayChat('openai-chat/openai-text.chunks.jsonl'));
    const response = await send(claudeCodeBody(MODELS.openai));
    expect(response.status).toBe(200);
    const text = await response.text();
    const events = text
      .split('\n\n')
      .filter(Boolean)
      .map((frame) => JSON.parse(frame.slice(frame.indexOf('data: ') + 6)));
    for (const event of events) assertValidAnthropicEvent(event);
    expect(events.map((event) => event.type)).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      ...events.slice(3, -3).map(() => 'content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const sent = stack.openai.requests[0];
    // replayChat checked it against OpenAI's spec; what the translation made of each part:
    expect(sent.body.messages[0]).toEqual({
      role: 'system',
      content:
        "You are Claude Code, Anthropic's official CLI for Claude.\n\nWorking directory: /repo. <env>linux</env>",
    });
    expect(sent.body.messages[1]).toEqual({
      role: 'user',
      content: '<system-reminder>Use the tools.</system-reminder>\nWhy does `npm test` fail?',
    });
    expect(sent.body).toMatchObject({
      user: 'user_2f9c_account__session_5b0c1a52',
      reasoning_effort: 'high',
      max_tokens: 32000,
    });
    expect(sent.body.tools[0].function.name).toBe('Bash');
    expect(sent.rawBody).not.toContain('cache_control');
    expect(sent.headers['anthropic-beta']).toBeUndefined();
  });
});

describe('what else Claude Code calls', () => {
  it("GET /v1/models: Anthropic's list shape, paged with limit; the SDK reads it", async () => {
    const response = await fetch(`${stack.baseURL}/v1/models?limit=1000`, { headers: { 'x-api-key': GATEWAY_KEY } });
    const list = await response.json();
    assertValidAnthropicModelList(list);
    const ids = list.data.map((model: { id: string }) => model.id);
    expect(ids).toEqual(expect.arrayContaining([MODELS.openai, MODELS.gemini]));
    expect(list).toMatchObject({ has_more: false, first_id: ids[0], last_id: ids.at(-1) });
    const page = await stack.client.models.list({ limit: 2 });
    expect(page.data.map((model) => model.id)).toEqual(ids.slice(0, 2));
    expect(page.has_more).toBe(true);
    const all: string[] = [];
    for await (const model of stack.client.models.list({ limit: 2 })) all.push(model.id);
    expect(all).toEqual(ids);
    expect((await stack.client.models.retrieve(MODELS.openai)).id).toBe(MODELS.openai);
  });

  it('count_tokens: Anthropic and Gemini count themselves; elsewhere an estimate, said to be one', async () => {
    stack.anthropic.handle((request, response) => json(response, 200, { input_tokens: 4242 }));
    const counted = await stack.client.messages.countTokens({
      model: MODELS.anthropic,
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(counted).toEqual({ input_tokens: 4242 });
    expect(stack.anthropic.requests[0].url).toBe('/v1/messages/count_tokens');
    const body = claudeCodeBody(MODELS.openai);
    const { max_tokens: _max, stream: _stream, ...countBody } = body;
    const response = await fetch(`${stack.baseURL}/v1/messages/count_tokens?beta=true`, {
      method: 'POST',
      headers: CLAUDE_CODE_HEADERS,
      body: JSON.stringify(countBody),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-modelgate-estimate')).toBe('true');
    const estimate = await response.json();
    assertValidAnthropicTokenCount(estimate);
    expect(estimate.input_tokens).toBeGreaterThan(40);
    expect(stack.openai.requests).toHaveLength(0);

    // Gemini counts the translated request itself (countTokens), system instruction and tools included.
    stack.gemini.handle((request, response) => json(response, 200, { totalTokens: 777, promptTokensDetails: [] }));
    const gemini = await fetch(`${stack.baseURL}/v1/messages/count_tokens?beta=true`, {
      method: 'POST',
      headers: CLAUDE_CODE_HEADERS,
      body: JSON.stringify({ ...countBody, model: MODELS.gemini }),
    });
    expect(gemini.headers.get('x-modelgate-estimate')).toBeNull();
    expect(await gemini.json()).toEqual({ input_tokens: 777 });
    const sent = stack.gemini.requests[0];
    expect(sent.url).toBe('/v1beta/models/gemini-3-pro-preview:countTokens');
    expect(sent.body.generateContentRequest).toMatchObject({
      model: 'models/gemini-3-pro-preview',
      systemInstruction: { parts: [{ text: expect.stringContaining('You are Claude Code') }] },
      contents: [{ role: 'user' }],
      tools: [{ functionDeclarations: [{ name: 'Bash' }] }],
    });
    const records = await stack.logs.waitFor(3);
    expect(records.map((record) => record.endpoint)).toEqual([
      'anthropic.count_tokens',
      'anthropic.count_tokens',
      'anthropic.count_tokens',
    ]);
  });

  it("gateway parameters come from the headers and modelgate_params; `metadata` stays Anthropic's", async () => {
    stack.anthropic.handle(replayAnthropic('anthropic-text.chunks.jsonl'));
    const params = Buffer.from(JSON.stringify({ customer_identifier: 'team-7' })).toString('base64');
    const response = await fetch(`${stack.baseURL}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': GATEWAY_KEY, 'x-modelgate-params': params },
      body: JSON.stringify({
        model: MODELS.anthropic,
        max_tokens: 64,
        messages: [{ role: 'user', content: 'Hi' }],
        metadata: { user_id: 'u-9' },
        modelgate_params: { metadata: { ticket: 'T-1' } },
        thread_identifier: 'thread-3',
      }),
    });
    expect(response.status).toBe(200);
    expect(stack.anthropic.requests[0].body).toEqual({
      model: MODELS.anthropic,
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Hi' }],
      metadata: { user_id: 'u-9' },
    });
    const [record] = await stack.logs.waitFor(1);
    expect(record).toMatchObject({
      customer_identifier: 'team-7',
      thread_identifier: 'thread-3',
      metadata: { ticket: 'T-1' },
    });
  });
});
