/**
 * The Messages API bridge's request and JSON halves, pure, and the native request to Anthropic:
 * every block and parameter the route documents, what is refused (400s that fall back), the stop
 * reasons, usage, and envelopes that never reach the wrong provider. Chat requests are checked
 * against OpenAI's spec, answers against Anthropic's.
 */
import { describe, expect, it } from 'vitest';
import { messagesBridge } from '../../src/endpoints/anthropic-messages/bridge/index.js';
import type { BridgeTarget } from '../../src/endpoints/endpoint.js';
import { GatewayError } from '../../src/errors.js';
import { nativeRequest } from '../../src/providers/anthropic/native-request.js';
import { openEnvelope, sealEnvelope } from '../../src/util/reasoning-envelope.js';
import { assertValidAnthropicMessage, assertValidAnthropicRequest } from '../helpers/anthropic-spec.js';
import { fixtureJson } from '../helpers/fixtures.js';
import { assertValidOpenAIRequest } from '../helpers/spec.js';

const OPENAI: BridgeTarget = { providerId: 'openai', providerKind: 'openai', model: 'gpt-5' };
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

function toChat(body: Record<string, unknown>, target = OPENAI) {
  const chat = messagesBridge.toChat(body, target) as any;
  assertValidOpenAIRequest('chat', { ...chat, model: target.model });
  return chat;
}

function refusal(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (GatewayError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('messages → chat', () => {
  it('carries every documented field, blocks and parameters', () => {
    const body = {
      model: 'claude-sonnet-4-6',
      max_tokens: 500,
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['END'],
      metadata: { user_id: 'u-42' },
      thinking: { type: 'enabled', budget_tokens: 8000 },
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      tools: [{ name: 'lookup', description: 'Looks up', input_schema: { type: 'object', properties: {} } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look at these' },
            { type: 'text', text: '' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
            {
              type: 'document',
              source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' },
              title: 'spec.pdf',
            },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain words' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Anthropic thought', signature: 'EqQBCkYIARgCKkD' },
            { type: 'text', text: 'Let me look.' },
            { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'cats' } },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              is_error: true,
              content: [
                { type: 'text', text: 'timeout' },
                { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
              ],
            },
            { type: 'text', text: 'Try again' },
          ],
        },
      ],
    };
    // Valid but for the blank text block, which clients do send (and Bedrock refuses).
    const valid: any = structuredClone(body);
    valid.messages[0].content = valid.messages[0].content.filter((block: { text?: string }) => block.text !== '');
    assertValidAnthropicRequest(valid);
    const chat = toChat(body);
    expect(chat).toMatchObject({
      max_tokens: 500,
      temperature: 0.2,
      top_p: 0.9,
      stop: ['END'],
      user: 'u-42',
      reasoning_effort: 'medium',
      tool_choice: 'required',
      parallel_tool_calls: false,
      tools: [
        {
          type: 'function',
          function: { name: 'lookup', description: 'Looks up', parameters: { type: 'object', properties: {} } },
        },
      ],
    });
    expect(chat.top_k).toBeUndefined();
    expect(JSON.stringify(chat)).not.toContain('cache_control');
    expect(chat.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look at these' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
          { type: 'file', file: { filename: 'spec.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
          { type: 'text', text: 'plain words' },
        ],
      },
      // Anthropic's signed thinking does not leave for another provider.
      {
        role: 'assistant',
        content: 'Let me look.',
        tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cats"}' } }],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: 'Error: timeout' },
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          { type: 'text', text: 'Try again' },
        ],
      },
    ]);
  });

  it('maps tool_choice and thinking budgets; system turns inside messages', () => {
    const base = {
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      tools: [{ name: 't', input_schema: { type: 'object' } }],
    };
    expect(toChat({ ...base, tool_choice: { type: 'auto' } }).tool_choice).toBe('auto');
    expect(toChat({ ...base, tool_choice: { type: 'none' } }).tool_choice).toBe('none');
    expect(toChat({ ...base, tool_choice: { type: 'tool', name: 't' } }).tool_choice).toEqual({
      type: 'function',
      function: { name: 't' },
    });
    expect(toChat({ ...base, thinking: { type: 'enabled', budget_tokens: 1024 } }).reasoning_effort).toBe('low');
    expect(toChat({ ...base, thinking: { type: 'enabled', budget_tokens: 31999 } }).reasoning_effort).toBe('high');
    expect(toChat({ ...base, thinking: { type: 'disabled' } }).reasoning_effort).toBeUndefined();
    // A provider that translates chat itself (Gemini, Bedrock) gets the exact budget and top_k.
    const translating = { providerId: 'aws', providerKind: 'bedrock', model: 'claude', translatesChat: true } as const;
    const exact = messagesBridge.toChat(
      { ...base, top_k: 5, thinking: { type: 'enabled', budget_tokens: 1024 } },
      translating,
    );
    expect(exact).toMatchObject({ top_k: 5, thinking: { type: 'enabled', budget_tokens: 1024 } });
    expect(exact.reasoning_effort).toBeUndefined();
    const turns = toChat({
      model: 'm',
      messages: [
        { role: 'user', content: 'a' },
        { role: 'system', content: 'Now be formal.' },
      ],
    }).messages;
    expect(turns[1]).toEqual({ role: 'system', content: 'Now be formal.' });
  });

  it('refuses what chat cannot carry, with 400s that fall back', () => {
    const builtIn = refusal(() =>
      toChat({
        model: 'm',
        messages: [{ role: 'user', content: 'hi' }],
        tools: [{ type: 'web_search_20250305', name: 'web_search' }],
      }),
    );
    expect(builtIn).toMatchObject({ status: 400, code: 'unsupported_tool', fallback: true, param: 'tools[0].type' });
    const urlDocument = refusal(() =>
      toChat({
        model: 'm',
        messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'url', url: 'https://x/y.pdf' } }] }],
      }),
    );
    expect(urlDocument).toMatchObject({ status: 400, code: 'unsupported_content', fallback: true });
  });
});

describe("tool names OpenAI would refuse (Claude Code's MCP tools)", () => {
  const long = 'mcp__github-enterprise-server__create_or_update_pull_request_review_comment_with_suggestions';
  const dotted = 'mcp__files.read';
  const request = {
    model: 'claude-sonnet-4-6',
    max_tokens: 100,
    tools: [long, dotted].map((name) => ({ name, input_schema: { type: 'object' } })),
    tool_choice: { type: 'tool', name: long },
    messages: [
      { role: 'user', content: 'Comment on the PR' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_9', name: long, input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: 'done' }] },
    ],
  };

  it('go upstream shortened, consistently, and come back as they were', async () => {
    const chat = toChat(request);
    const [short, cleaned] = chat.tools.map((tool: any) => tool.function.name);
    for (const name of [short, cleaned]) expect(name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(new Set([short, cleaned]).size).toBe(2);
    expect(chat.tool_choice).toEqual({ type: 'function', function: { name: short } });
    expect(chat.messages[1].tool_calls[0].function.name).toBe(short);
    const answer = messagesBridge.fromChat(
      {
        id: 'c',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: 'call_1', type: 'function', function: { name: cleaned, arguments: '{}' } }],
            },
            finish_reason: 'tool_calls',
          },
        ],
      },
      request,
      OPENAI,
    ) as any;
    expect(answer.content[0]).toMatchObject({ type: 'tool_use', name: dotted });
    const stream = messagesBridge.createStream(request, OPENAI);
    const frames = stream.push({
      id: 'c',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-5',
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [{ index: 0, id: 'call_2', type: 'function', function: { name: short, arguments: '{}' } }],
          },
          finish_reason: null,
        },
      ],
    });
    const start = frames.map((frame) => JSON.parse(frame.data)).find((event) => event.type === 'content_block_start');
    expect(start.content_block).toMatchObject({ type: 'tool_use', name: long });
  });
});

describe('chat → message', () => {
  const request = { model: 'claude-sonnet-4-6', stop_sequences: ['###'], messages: [] };

  it('the recorded DeepSeek tool call: thinking first (enveloped), the parsed input, tool_use, usage with cache reads', () => {
    const completion = fixtureJson('openai-chat/deepseek-tool-call.json');
    const target = { providerId: 'deepseek', providerKind: 'deepseek', model: 'deepseek-reasoner' };
    const message = messagesBridge.fromChat(completion, request, target) as any;
    assertValidAnthropicMessage(message);
    const choice = completion.choices[0].message;
    expect(message.content[0]).toMatchObject({ type: 'thinking', thinking: choice.reasoning_content });
    expect(openEnvelope(message.content[0].signature)).toMatchObject({ kind: 'deepseek', model: 'deepseek-reasoner' });
    expect(message.content.at(-1)).toMatchObject({
      type: 'tool_use',
      id: choice.tool_calls[0].id,
      input: JSON.parse(choice.tool_calls[0].function.arguments),
    });
    expect(message.stop_reason).toBe('tool_use');
    const usage = completion.usage;
    const cached = usage.prompt_tokens_details?.cached_tokens ?? usage.prompt_cache_hit_tokens ?? 0;
    expect(message.usage).toMatchObject({
      input_tokens: usage.prompt_tokens - cached,
      cache_read_input_tokens: cached,
      output_tokens: usage.completion_tokens,
    });
  });

  it('stop reasons: length, content_filter and refusals, a named stop sequence', () => {
    const reply = (choice: object) =>
      messagesBridge.fromChat(
        { id: 'x', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, ...choice }] },
        request,
        OPENAI,
      ) as any;
    expect(reply({ finish_reason: 'length' }).stop_reason).toBe('max_tokens');
    expect(reply({ finish_reason: 'content_filter' }).stop_reason).toBe('refusal');
    expect(reply({ finish_reason: 'stop', stop_reason: '###' })).toMatchObject({
      stop_reason: 'stop_sequence',
      stop_sequence: '###',
    });
    expect(reply({ finish_reason: 'stop' })).toMatchObject({ stop_reason: 'end_turn', stop_sequence: null });
    const refused = messagesBridge.fromChat(
      {
        id: 'x',
        choices: [
          { index: 0, message: { role: 'assistant', content: null, refusal: 'I cannot.' }, finish_reason: 'stop' },
        ],
      },
      request,
      OPENAI,
    ) as any;
    expect(refused).toMatchObject({ stop_reason: 'refusal', content: [{ type: 'text', text: 'I cannot.' }] });
    assertValidAnthropicMessage(refused);
  });
});

describe('the native request to Anthropic', () => {
  const target = {
    url: 'https://api.anthropic.com/v1/messages',
    headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
    betas: ['b-config'],
  };

  it("sends the body as it is, the client's version and betas merged with the configured ones", () => {
    const body = { model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
    const request = nativeRequest(
      {
        operation: 'messages',
        model: 'claude-sonnet-4-6',
        body,
        stream: true,
        strictParams: false,
        headers: { 'anthropic-version': '2026-10-21', 'anthropic-beta': 'b-client, b-config' },
      },
      target,
    );
    expect(request.body).toBe(JSON.stringify(body));
    expect(request.headers).toMatchObject({
      'anthropic-version': '2026-10-21',
      'anthropic-beta': 'b-config,b-client',
      accept: 'text/event-stream',
    });
    const count = nativeRequest(
      { operation: 'count_tokens', model: 'm', body, stream: false, strictParams: false },
      target,
    );
    expect(count.url).toBe('https://api.anthropic.com/v1/messages/count_tokens');
    expect(count.headers['anthropic-version']).toBe('2023-06-01');
  });

  it("removes thinking blocks another provider signed, keeps Anthropic's own", () => {
    const foreign = sealEnvelope({ kind: 'google', model: 'gemini-3-pro-preview', message: 'sig' });
    const body = {
      model: 'claude-sonnet-4-6',
      max_tokens: 10,
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: '', signature: foreign },
            { type: 'text', text: 'Hello' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'mine', signature: 'EqQBCkYIARgC' },
            { type: 'text', text: 'Again' },
          ],
        },
      ],
    };
    const sent = JSON.parse(
      nativeRequest({ operation: 'messages', model: 'm', body, stream: false, strictParams: false }, target)
        .body as string,
    );
    expect(sent.messages[1].content).toEqual([{ type: 'text', text: 'Hello' }]);
    expect(sent.messages[2]).toEqual(body.messages[2]);
    assertValidAnthropicRequest(sent);
  });
});
