/**
 * OpenAI request → Anthropic request. Every converted body is validated against the Anthropic
 * Messages spec (strict) and, at compile time, against @anthropic-ai/sdk's request types.
 */
import type { MessageCreateParams } from '@anthropic-ai/sdk/resources/messages/messages';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessagesRequest } from '../../src/providers/anthropic/anthropic-types.js';
import { convertRequest, type AnthropicRequestSettings } from '../../src/providers/anthropic/convert-request.js';
import { ANTHROPIC_PARAM_POLICY } from '../../src/providers/anthropic/param-policy.js';
import { assertValidAnthropicRequest } from '../helpers/anthropic-spec.js';

/**
 * The SDK (1.14) no longer types temperature/top_p/top_k, which API version 2023-06-01 still takes
 * (deprecated: models after Claude Opus 4.6 accept only neutral values); everything else must fit.
 */
type SdkRequest = MessageCreateParams & { temperature?: number; top_p?: number; top_k?: number };
type Assert<T extends true> = T;
export type RequestFitsSdk = Assert<MessagesRequest extends SdkRequest ? true : false>;
export type NoFieldOutsideSdk = Assert<
  [Exclude<keyof MessagesRequest, keyof SdkRequest>] extends [never] ? true : false
>;

const SETTINGS: AnthropicRequestSettings = { defaultMaxTokens: 4096, thinking: 'budget' };
const converted: MessagesRequest[] = [];

function convert(
  body: Record<string, unknown>,
  options: { strict?: boolean; stream?: boolean; settings?: Partial<AnthropicRequestSettings> } = {},
) {
  const result = convertRequest(
    {
      operation: 'chat',
      model: 'claude-sonnet-4-5',
      body: { model: 'claude-sonnet-4-5', ...body },
      stream: options.stream ?? false,
      strictParams: options.strict ?? false,
    },
    { ...SETTINGS, ...options.settings },
  );
  converted.push(result.body);
  // What goes on the wire also fits the SDK's types (checked by tsc).
  const typed: SdkRequest = result.body;
  void typed;
  return result;
}

const user = (content: unknown) => ({ role: 'user', content });
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

afterEach(() => {
  for (const body of converted.splice(0)) assertValidAnthropicRequest(body);
});

describe('messages', () => {
  it('hoists system and developer messages into system blocks, in order', () => {
    const { body } = convert({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        user('Hello'),
        { role: 'system', content: 'Late instruction.' },
      ],
    });
    expect(body.system).toEqual([
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: 'Answer in French.' },
      { type: 'text', text: 'Late instruction.' },
    ]);
    expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }]);
    expect(body.max_tokens).toBe(4096);
  });

  it('converts images: URL → url source, data URI → base64 source; files → documents', () => {
    const { body } = convert({
      messages: [
        user([
          { type: 'text', text: 'What is in these?' },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0xLjQK' } },
          {
            type: 'file',
            file: { file_data: `data:text/plain;base64,${Buffer.from('plain words').toString('base64')}` },
          },
        ]),
      ],
    });
    expect(body.messages[0].content).toEqual([
      { type: 'text', text: 'What is in these?' },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
      {
        type: 'document',
        source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' },
        title: 'a.pdf',
      },
      { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain words' } },
    ]);
  });

  it('refuses images and files Anthropic cannot read, naming the part', () => {
    expect(() =>
      convert({ messages: [user([{ type: 'image_url', image_url: { url: 'data:image/bmp;base64,AAAA' } }])] }),
    ).toThrow(expect.objectContaining({ status: 400, param: 'messages[0].content[0].image_url.url' }));
    expect(() =>
      convert({
        messages: [
          user([
            { type: 'text', text: 'x' },
            { type: 'file', file: { file_id: 'file-abc' } },
          ]),
        ],
      }),
    ).toThrow(expect.objectContaining({ status: 400, param: 'messages[0].content[1].file' }));
    expect(() =>
      convert({ messages: [user([{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }])] }),
    ).toThrow(/do not take audio/);
    expect(() => convert({ messages: [{ role: 'function', name: 'f', content: 'x' }] })).toThrow(
      expect.objectContaining({ param: 'messages[0].role' }),
    );
  });

  it('turns assistant tool_calls into tool_use with parsed input, and tool messages into one user turn of results', () => {
    const { body } = convert({
      messages: [
        user('Weather in Paris and Rome?'),
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            { id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'toolu_2', type: 'function', function: { name: 'now', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: '21°C' },
        { role: 'tool', tool_call_id: 'toolu_2', content: [{ type: 'text', text: '12:00' }] },
        user('Thanks. And tomorrow?'),
      ],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'now', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '21°C' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: '12:00' }] },
          { type: 'text', text: 'Thanks. And tomorrow?' },
        ],
      },
    ]);
  });

  it('puts tool results first in a merged user turn', () => {
    const { body } = convert({
      messages: [
        user('q'),
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        user('(a note typed while the tool ran)'),
        { role: 'tool', tool_call_id: 't1', content: 'done' },
      ],
    });
    expect(body.messages[2].content.map((block) => block.type)).toEqual(['tool_result', 'text']);
  });

  it('refuses tool-call arguments that are not a JSON object, naming the message', () => {
    const call = (args: string) => ({
      messages: [
        user('q'),
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: args } }],
        },
      ],
    });
    expect(() => convert(call('{"city": "Par'))).toThrow(
      expect.objectContaining({
        status: 400,
        code: 'invalid_tool_arguments',
        param: 'messages[1].tool_calls[0].function.arguments',
      }),
    );
    expect(() => convert(call('[1,2]'))).toThrow(expect.objectContaining({ code: 'invalid_tool_arguments' }));
  });

  it('sends signed thinking blocks back first and unchanged', () => {
    const thinking_blocks = [
      { type: 'thinking', thinking: 'Let me look it up.', signature: 'EqQBCgIYAhIM...sig' },
      { type: 'redacted_thinking', data: 'EmwKAhgBEgy...opaque' },
    ];
    const { body } = convert({
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [
        user('q'),
        {
          role: 'assistant',
          content: 'Checking.',
          reasoning_content: 'Let me look it up.',
          thinking_blocks,
          tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
        },
        { role: 'tool', tool_call_id: 't1', content: 'ok' },
      ],
    });
    expect(body.messages[1].content).toEqual([
      ...thinking_blocks,
      { type: 'text', text: 'Checking.' },
      { type: 'tool_use', id: 't1', name: 'f', input: { a: 1 } },
    ]);
    expect(() =>
      convert({
        messages: [
          user('q'),
          { role: 'assistant', content: 'a', thinking_blocks: [{ type: 'thinking', thinking: 'no signature' }] },
        ],
      }),
    ).toThrow(expect.objectContaining({ param: 'messages[1].thinking_blocks[0]' }));
  });

  it('passes cache_control through with its ttl, on parts, messages and tools; maps prompt_cache_breakpoint', () => {
    const { body } = convert({
      messages: [
        {
          role: 'system',
          content: [{ type: 'text', text: 'Long rules...', cache_control: { type: 'ephemeral', ttl: '1h' } }],
        },
        user([
          { type: 'text', text: 'Long document...', prompt_cache_breakpoint: { mode: 'explicit' } },
          { type: 'text', text: 'Question' },
        ]),
        { role: 'assistant', content: 'Answer', cache_control: { type: 'ephemeral' } },
        user('Next'),
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'f', parameters: { type: 'object', properties: {} } },
          cache_control: { type: 'ephemeral', ttl: '5m' },
        },
      ],
    });
    expect(body.system![0].cache_control).toEqual({ type: 'ephemeral', ttl: '1h' });
    expect(body.messages[0].content[0]).toEqual({
      type: 'text',
      text: 'Long document...',
      cache_control: { type: 'ephemeral' },
    });
    expect(body.messages[1].content[0]).toEqual({ type: 'text', text: 'Answer', cache_control: { type: 'ephemeral' } });
    expect(body.tools![0].cache_control).toEqual({ type: 'ephemeral', ttl: '5m' });
    expect(() =>
      convert({ messages: [user([{ type: 'text', text: 'x', cache_control: { type: 'ephemeral', ttl: '30m' } }])] }),
    ).toThrow(expect.objectContaining({ param: 'messages[0].content[0].cache_control.ttl' }));
  });
});

describe('the strict spec check itself', () => {
  it('refuses an unknown top-level field and a wrong block shape', () => {
    const valid = {
      model: 'claude-x',
      max_tokens: 10,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    };
    expect(() => assertValidAnthropicRequest(valid)).not.toThrow();
    expect(() => assertValidAnthropicRequest({ ...valid, seed: 1 })).toThrow(/violates/);
    expect(() =>
      assertValidAnthropicRequest({
        ...valid,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', detail: 'x' }] }],
      }),
    ).toThrow(/violates/);
  });
});

describe('parameters', () => {
  const messages = [user('Hi')];

  it('maps the sampling, stop, user and token parameters', () => {
    const { body, droppedParams } = convert(
      {
        messages,
        temperature: 0.3,
        top_p: 0.9,
        top_k: 40,
        stop: 'END',
        user: 'user-42',
        max_tokens: 100,
        max_completion_tokens: 200,
        n: 1,
        service_tier: 'default',
        stream: true,
      },
      { stream: true },
    );
    expect(body).toMatchObject({
      temperature: 0.3,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['END'],
      metadata: { user_id: 'user-42' },
      max_tokens: 200,
      service_tier: 'standard_only',
      stream: true,
    });
    expect(droppedParams).toEqual([]);
    expect(convert({ messages, stop: ['a', 'b'], safety_identifier: 'safe-1', user: 'u' }).body).toMatchObject({
      stop_sequences: ['a', 'b'],
      metadata: { user_id: 'safe-1' },
    });
  });

  it('maps tools, tool_choice and parallel_tool_calls', () => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'weather',
          description: 'Weather by city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          strict: true,
        },
      },
      { type: 'function', function: { name: 'now' } },
    ];
    const choice = (tool_choice: unknown, extra: object = {}) =>
      convert({ messages, tools, tool_choice, ...extra }).body.tool_choice;
    expect(convert({ messages, tools }).body.tools).toEqual([
      {
        name: 'weather',
        description: 'Weather by city',
        input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        strict: true,
      },
      { name: 'now', input_schema: { type: 'object', properties: {} } },
    ]);
    expect(choice('auto')).toEqual({ type: 'auto' });
    expect(choice('none')).toEqual({ type: 'none' });
    expect(choice('required')).toEqual({ type: 'any' });
    expect(choice({ type: 'function', function: { name: 'now' } })).toEqual({ type: 'tool', name: 'now' });
    expect(choice(undefined, { parallel_tool_calls: false })).toEqual({
      type: 'auto',
      disable_parallel_tool_use: true,
    });
    expect(choice('required', { parallel_tool_calls: false })).toEqual({
      type: 'any',
      disable_parallel_tool_use: true,
    });
    expect(choice('none', { parallel_tool_calls: false })).toEqual({ type: 'none' });
    const allowed = convert({
      messages,
      tools,
      tool_choice: {
        type: 'allowed_tools',
        allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'now' } }] },
      },
    }).body;
    expect(allowed.tools!.map((tool) => tool.name)).toEqual(['now']);
    expect(allowed.tool_choice).toEqual({ type: 'any' });
    expect(() => choice({ type: 'function', function: { name: 'nope' } })).toThrow(
      expect.objectContaining({ param: 'tool_choice.function.name' }),
    );
  });

  it('maps reasoning_effort to a thinking budget, adding it to the default max_tokens', () => {
    expect(convert({ messages, reasoning_effort: 'high' }).body).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 8192 },
      max_tokens: 4096 + 8192,
    });
    expect(convert({ messages, reasoning_effort: 'low', max_completion_tokens: 10_000 }).body).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 2048 },
      max_tokens: 10_000,
    });
    expect(convert({ messages, reasoning_effort: 'none' }).body.thinking).toEqual({ type: 'disabled' });
    expect(() => convert({ messages, reasoning_effort: 'high', max_tokens: 1000 })).toThrow(
      expect.objectContaining({ status: 400, param: 'max_tokens' }),
    );
  });

  it('maps reasoning_effort to adaptive thinking with an effort level when configured', () => {
    expect(
      convert({ messages, reasoning_effort: 'minimal' }, { settings: { thinking: 'adaptive' } }).body,
    ).toMatchObject({ thinking: { type: 'adaptive' }, output_config: { effort: 'low' }, max_tokens: 4096 });
    expect(
      convert({ messages, reasoning_effort: 'xhigh' }, { settings: { thinking: 'adaptive' } }).body.output_config,
    ).toEqual({ effort: 'xhigh' });
  });

  it('takes an Anthropic thinking object as an extension', () => {
    expect(convert({ messages, thinking: { type: 'enabled', budget_tokens: 3000 } }).body).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 3000 },
      max_tokens: 7096,
    });
    expect(() => convert({ messages, thinking: { type: 'enabled', budget_tokens: 10 } })).toThrow(
      expect.objectContaining({ param: 'thinking' }),
    );
    expect(convert({ messages, thinking: { type: 'adaptive' }, reasoning_effort: 'low' }).droppedParams).toEqual([
      'reasoning_effort',
    ]);
  });

  it('drops (or in strict mode refuses) what extended thinking cannot take', () => {
    const tools = [{ type: 'function', function: { name: 'f' } }];
    const result = convert({
      messages,
      reasoning_effort: 'medium',
      temperature: 0.2,
      top_p: 0.5,
      top_k: 5,
      tools,
      tool_choice: 'required',
    });
    expect(result.droppedParams).toEqual(['tool_choice', 'temperature', 'top_p', 'top_k']);
    expect(result.body).not.toHaveProperty('temperature');
    expect(result.body).not.toHaveProperty('tool_choice');
    expect(convert({ messages, reasoning_effort: 'medium', temperature: 1, top_p: 0.95 }).body).toMatchObject({
      temperature: 1,
      top_p: 0.95,
    });
    expect(() => convert({ messages, reasoning_effort: 'medium', temperature: 0.2 }, { strict: true })).toThrow(
      expect.objectContaining({ status: 400, param: 'temperature', code: 'unsupported_parameter' }),
    );
  });

  it('never clamps: a temperature above 1 is dropped and reported, or refused in strict mode', () => {
    const { body, droppedParams } = convert({ messages, temperature: 1.5 });
    expect(body).not.toHaveProperty('temperature');
    expect(droppedParams).toEqual(['temperature']);
    expect(() => convert({ messages, temperature: 1.5 }, { strict: true })).toThrow(
      /Anthropic accepts 0 to 1, not 1.5/,
    );
  });

  it('maps response_format json_schema to structured output and json_object to the forced json tool', () => {
    const schema = {
      type: 'object',
      properties: { temp: { type: 'number' } },
      required: ['temp'],
      additionalProperties: false,
    };
    expect(
      convert({
        messages,
        response_format: { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema } },
      }).body.output_config,
    ).toEqual({ format: { type: 'json_schema', schema } });
    expect(convert({ messages, response_format: { type: 'json_object' } }).body).toMatchObject({
      tools: [{ name: 'json', description: 'Respond with a JSON object.', input_schema: { type: 'object' } }],
      tool_choice: { type: 'tool', name: 'json' },
    });
    const withTools = convert({
      messages,
      response_format: { type: 'json_object' },
      tools: [{ type: 'function', function: { name: 'f' } }],
    });
    expect(withTools.droppedParams).toEqual(['response_format']);
    expect(withTools.body.tools!.map((tool) => tool.name)).toEqual(['f']);
    expect(convert({ messages, response_format: { type: 'text' } }).droppedParams).toEqual([]);
  });

  it('reports every dropped parameter that would change the answer, and nothing harmless', () => {
    const { droppedParams } = convert({
      messages,
      frequency_penalty: 0.5,
      presence_penalty: 0,
      logit_bias: { '50256': -100 },
      logprobs: false,
      seed: 7,
      store: false,
      modalities: ['text'],
      n: 2,
      prompt_cache_key: 'k',
      some_future_parameter: true,
      stream_options: { include_usage: true },
    });
    expect(droppedParams).toEqual([
      'frequency_penalty',
      'logit_bias',
      'seed',
      'prompt_cache_key',
      'some_future_parameter',
      'n',
    ]);
    expect(() => convert({ messages, seed: 7 }, { strict: true })).toThrow(
      expect.objectContaining({ status: 400, param: 'seed', code: 'unsupported_parameter' }),
    );
  });

  it('has a decision for every OpenAI chat parameter in the spec', async () => {
    const spec = JSON.parse(
      (await import('node:fs')).readFileSync(new URL('../specs/openai-openapi.json', import.meta.url), 'utf8'),
    );
    const schemas = spec.components.schemas;
    const collect = (schema: any): string[] => {
      if (schema.$ref) return collect(schemas[schema.$ref.split('/').pop()]);
      return [
        ...['allOf', 'anyOf', 'oneOf'].flatMap((key) => (schema[key] ?? []).flatMap(collect)),
        ...Object.keys(schema.properties ?? {}),
      ];
    };
    const params = [...new Set(collect(schemas.CreateChatCompletionRequest))].filter((name) => name !== 'metadata'); // a gateway parameter
    expect(params.filter((name) => !Object.hasOwn(ANTHROPIC_PARAM_POLICY, name))).toEqual([]);
  });

  it('needs a positive integer max_tokens and a valid service tier', () => {
    expect(() => convert({ messages, max_tokens: 0 })).toThrow(expect.objectContaining({ param: 'max_tokens' }));
    expect(convert({ messages, service_tier: 'flex' }).droppedParams).toEqual(['service_tier']);
    expect(convert({ messages }, { settings: { defaultMaxTokens: 1234 } }).body.max_tokens).toBe(1234);
  });
});
