/**
 * OpenAI chat requests → Converse request bodies, member names and shapes as the API reference
 * defines them: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_RequestSyntax
 * (Message, ContentBlock, ImageBlock, DocumentBlock, ToolUseBlock, ToolResultBlock, CachePointBlock,
 * SystemContentBlock, InferenceConfiguration, ToolConfiguration, ToolChoice, OutputConfig).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import {
  ANSWER_TOKENS_WITH_THINKING,
  CLAUDE_THINKING_BUDGETS,
  convertRequest,
} from '../../src/providers/bedrock/convert-request.js';
import { toolUseIdFor } from '../../src/providers/bedrock/convert-content.js';
import { BEDROCK_PARAM_POLICY } from '../../src/providers/bedrock/param-policy.js';

const CLAUDE = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
const NOVA = 'amazon.nova-pro-v1:0';
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const convert = (body: Record<string, unknown>, model = CLAUDE, strict = false) =>
  convertRequest('bedrock', model, body, strict);
const user = (content: unknown) => ({ role: 'user', content });

function refusal(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (GatewayError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('convertRequest: messages', () => {
  it('puts system and developer messages into system blocks and keeps user/assistant turns', () => {
    const { body } = convert({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        user('Hi'),
        { role: 'assistant', content: 'Bonjour' },
        user([{ type: 'text', text: 'Again' }]),
      ],
    });
    expect(body).toEqual({
      system: [{ text: 'Be brief.' }, { text: 'Answer in French.' }],
      messages: [
        { role: 'user', content: [{ text: 'Hi' }] },
        { role: 'assistant', content: [{ text: 'Bonjour' }] },
        { role: 'user', content: [{ text: 'Again' }] },
      ],
    });
  });

  it('turns data-URI images into bytes and s3 URIs into s3Location', () => {
    const { body } = convert({
      messages: [
        user([
          { type: 'text', text: 'Compare' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          { type: 'image_url', image_url: { url: 's3://my-bucket/photos/cat.JPG' } },
        ]),
      ],
    });
    expect(body.messages[0].content).toEqual([
      { text: 'Compare' },
      { image: { format: 'png', source: { bytes: PNG } } },
      { image: { format: 'jpeg', source: { s3Location: { uri: 's3://my-bucket/photos/cat.JPG' } } } },
    ]);
  });

  it('reports an image detail level Converse cannot honour', () => {
    const part = (detail: string) => ({
      type: 'image_url',
      image_url: { url: `data:image/png;base64,${PNG}`, detail },
    });
    expect(convert({ messages: [user([part('auto')])] }).droppedParams).toEqual([]);
    expect(convert({ messages: [user([part('low')])] }).droppedParams).toEqual(['image_url.detail']);
  });

  it('refuses http image URLs with a clear 400 naming the part, which may fall back', () => {
    const error = refusal(() =>
      convert({ messages: [user([{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }])] }),
    );
    expect(error).toMatchObject({
      status: 400,
      code: 'unsupported_image_url',
      param: 'messages[0].content[0].image_url.url',
      fallback: true,
      retryable: false,
    });
    expect(error.message).toContain('Bedrock does not fetch image URLs');
  });

  it('refuses image types Bedrock cannot read', () => {
    const error = refusal(() =>
      convert({ messages: [user([{ type: 'image_url', image_url: { url: 'data:image/svg+xml;base64,PHN2Zz4=' } }])] }),
    );
    expect(error).toMatchObject({ status: 400, code: 'unsupported_image_format' });
  });

  it('turns file parts into document blocks with names Bedrock accepts', () => {
    const { body } = convert({
      messages: [
        user([
          {
            type: 'file',
            file: { filename: 'Q3 report_v2.final.pdf', file_data: 'data:application/pdf;base64,JVBERi0x' },
          },
          {
            type: 'file',
            file: { filename: 'Q3 report_v2.final.pdf', file_data: 'data:application/pdf;base64,JVBERi0y' },
          },
          { type: 'text', text: 'Summarise both' },
        ]),
      ],
    });
    expect(body.messages[0].content).toEqual([
      { document: { format: 'pdf', name: 'Q3 report-v2-final', source: { bytes: 'JVBERi0x' } } },
      { document: { format: 'pdf', name: 'Q3 report-v2-final (2)', source: { bytes: 'JVBERi0y' } } },
      { text: 'Summarise both' },
    ]);
  });

  it('turns cache_control on parts, messages and tools into cachePoint blocks', () => {
    const { body } = convert({
      messages: [
        {
          role: 'system',
          content: [{ type: 'text', text: 'Long rules', cache_control: { type: 'ephemeral', ttl: '1h' } }],
        },
        user([
          { type: 'text', text: 'Long document', cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'Question' },
        ]),
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'lookup', parameters: { type: 'object', properties: {} } },
          cache_control: { type: 'ephemeral' },
        },
      ],
    });
    expect(body.system).toEqual([{ text: 'Long rules' }, { cachePoint: { type: 'default', ttl: '1h' } }]);
    expect(body.messages[0].content).toEqual([
      { text: 'Long document' },
      { cachePoint: { type: 'default' } },
      { text: 'Question' },
    ]);
    expect(body.toolConfig?.tools).toEqual([
      { toolSpec: { name: 'lookup', inputSchema: { json: { type: 'object', properties: {} } } } },
      { cachePoint: { type: 'default' } },
    ]);
  });

  it('keeps a cache point asked for inside a tool result, after the toolResult block', () => {
    const { body } = convert({
      messages: [
        user('x'),
        {
          role: 'assistant',
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'read', arguments: '{}' } }],
        },
        {
          role: 'tool',
          tool_call_id: 'c1',
          content: [{ type: 'text', text: 'a long file', cache_control: { type: 'ephemeral' } }],
        },
      ],
      tools: [{ type: 'function', function: { name: 'read' } }],
    });
    expect(body.messages[2].content).toEqual([
      { toolResult: { toolUseId: 'c1', content: [{ text: 'a long file' }] } },
      { cachePoint: { type: 'default' } },
    ]);
  });

  it('refuses a cache ttl Bedrock does not have', () => {
    const error = refusal(() =>
      convert({ messages: [user([{ type: 'text', text: 'x', cache_control: { type: 'ephemeral', ttl: '2h' } }])] }),
    );
    expect(error).toMatchObject({ status: 400, param: 'messages[0].content[0].cache_control.ttl' });
  });

  it('turns tool calls into toolUse and merges the results of parallel calls into one user turn', () => {
    const { body } = convert({
      messages: [
        user('Weather in Paris and Tokyo?'),
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '25°C' }] },
        user('Thanks. Which is warmer?'),
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather by city',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ text: 'Weather in Paris and Tokyo?' }] },
      {
        role: 'assistant',
        content: [
          { toolUse: { toolUseId: 'call_1', name: 'get_weather', input: { city: 'Paris' } } },
          { toolUse: { toolUseId: 'call_2', name: 'get_weather', input: {} } },
        ],
      },
      {
        role: 'user',
        content: [
          { toolResult: { toolUseId: 'call_1', content: [{ text: '18°C' }] } },
          { toolResult: { toolUseId: 'call_2', content: [{ text: '25°C' }] } },
          { text: 'Thanks. Which is warmer?' },
        ],
      },
    ]);
    expect(body.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: 'get_weather',
            description: 'Weather by city',
            inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } } } },
          },
        },
      ],
    });
  });

  it('refuses tool-call arguments that are not JSON, without fallback (the request is at fault)', () => {
    const error = refusal(() =>
      convert({
        messages: [
          user('x'),
          {
            role: 'assistant',
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{oops' } }],
          },
        ],
      }),
    );
    expect(error).toMatchObject({
      status: 400,
      param: 'messages[1].tool_calls[0].function.arguments',
      fallback: false,
    });
  });

  it('maps tool-call ids other providers minted onto ids Bedrock accepts, the same way for call and result', () => {
    const foreign = 'call/with spaces+and=symbols-that-are-far-too-long-for-bedrock-because-they-go-on-and-on';
    const mapped = toolUseIdFor(foreign);
    expect(mapped).toMatch(/^[a-zA-Z0-9_.:-]{1,64}$/);
    expect(toolUseIdFor(foreign)).toBe(mapped);
    expect(toolUseIdFor('call with spaces')).not.toBe(toolUseIdFor('call_with_spaces'));
    expect(toolUseIdFor('toolu_01A09q90qw90lq917835lq9')).toBe('toolu_01A09q90qw90lq917835lq9');
    const { body } = convert({
      messages: [
        user('x'),
        {
          role: 'assistant',
          tool_calls: [{ id: foreign, type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: foreign, content: 'ok' },
      ],
      tools: [{ type: 'function', function: { name: 'f' } }],
    });
    expect((body.messages[1].content[0] as { toolUse: { toolUseId: string } }).toolUse.toolUseId).toBe(mapped);
    expect((body.messages[2].content[0] as { toolResult: { toolUseId: string } }).toolResult.toolUseId).toBe(mapped);
  });

  it('declares the tools a conversation used when the request sends none (Converse requires a toolConfig)', () => {
    const { body } = convert({
      messages: [
        user('x'),
        {
          role: 'assistant',
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'search', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'found' },
      ],
    });
    expect(body.toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'search', inputSchema: { json: { type: 'object', properties: {} } } } }],
    });
  });

  it('sends signed reasoning a client returns first in the assistant turn', () => {
    const { body } = convert({
      messages: [
        user('17 × 3?'),
        {
          role: 'assistant',
          content: '51',
          reasoning_content: '17 × 3 = 51.',
          thinking_blocks: [
            { type: 'thinking', thinking: '17 × 3 = 51.', signature: 'sig-1' },
            { type: 'redacted_thinking', data: 'cmVkYWN0ZWQ=' },
          ],
        },
        user('And 18 × 3?'),
      ],
    });
    expect(body.messages[1].content).toEqual([
      { reasoningContent: { reasoningText: { text: '17 × 3 = 51.', signature: 'sig-1' } } },
      { reasoningContent: { redactedContent: 'cmVkYWN0ZWQ=' } },
      { text: '51' },
    ]);
  });

  it('leaves empty messages out and merges what then meets', () => {
    const { body } = convert({ messages: [user('a'), { role: 'assistant', content: '' }, user('b')] });
    expect(body.messages).toEqual([{ role: 'user', content: [{ text: 'a' }, { text: 'b' }] }]);
  });

  it('refuses the deprecated function role, and roles that do not exist', () => {
    expect(
      refusal(() => convert({ messages: [user('x'), { role: 'function', name: 'f', content: '1' }] })),
    ).toMatchObject({ status: 400, param: 'messages[1].role' });
    expect(refusal(() => convert({ messages: [{ role: 'robot', content: 'x' }] }))).toMatchObject({
      status: 400,
      param: 'messages[0].role',
      fallback: false,
    });
  });
});

describe('convertRequest: parameters', () => {
  it('maps max_tokens, temperature, top_p and stop into inferenceConfig', () => {
    const { body, droppedParams } = convert(
      {
        messages: [user('x')],
        max_tokens: 300,
        max_completion_tokens: 200,
        temperature: 0.3,
        top_p: 0.9,
        stop: ['END', ''],
      },
      NOVA,
    );
    expect(body.inferenceConfig).toEqual({ maxTokens: 200, temperature: 0.3, topP: 0.9, stopSequences: ['END'] });
    expect(droppedParams).toEqual([]);
  });

  it('maps tool_choice auto, required and a named function; none leaves the tools out', () => {
    const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }];
    const choice = (tool_choice: unknown) => convert({ messages: [user('x')], tools, tool_choice }).body.toolConfig;
    expect(choice('auto')?.toolChoice).toEqual({ auto: {} });
    expect(choice('required')?.toolChoice).toEqual({ any: {} });
    expect(choice({ type: 'function', function: { name: 'f' } })?.toolChoice).toEqual({ tool: { name: 'f' } });
    expect(choice('none')).toBeUndefined();
  });

  it('drops tool_choice none when the conversation already holds tool calls (Converse cannot forbid them)', () => {
    const { body, droppedParams } = convert({
      messages: [
        user('x'),
        { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c', content: 'ok' },
      ],
      tools: [{ type: 'function', function: { name: 'f' } }],
      tool_choice: 'none',
    });
    expect(body.toolConfig?.toolChoice).toBeUndefined();
    expect(droppedParams).toEqual(['tool_choice']);
  });

  it('maps reasoning_effort to a Claude thinking budget inside max tokens', () => {
    const { body } = convert({ messages: [user('x')], reasoning_effort: 'medium' });
    expect(body.additionalModelRequestFields).toEqual({
      thinking: { type: 'enabled', budget_tokens: CLAUDE_THINKING_BUDGETS.medium },
    });
    expect(body.inferenceConfig?.maxTokens).toBe(CLAUDE_THINKING_BUDGETS.medium + ANSWER_TOKENS_WITH_THINKING);
    const withMax = convert({ messages: [user('x')], reasoning_effort: 'low', max_completion_tokens: 4000 }).body;
    expect(withMax.inferenceConfig?.maxTokens).toBe(4000);
  });

  it('refuses a reasoning budget that does not fit under max_tokens rather than changing either', () => {
    const error = refusal(() => convert({ messages: [user('x')], reasoning_effort: 'high', max_tokens: 1000 }));
    expect(error).toMatchObject({ status: 400, param: 'reasoning_effort' });
    expect(error.message).toContain('16384');
  });

  it('drops reasoning_effort for non-Claude models and refuses it when strict', () => {
    expect(convert({ messages: [user('x')], reasoning_effort: 'low' }, NOVA).droppedParams).toEqual([
      'reasoning_effort',
    ]);
    expect(refusal(() => convert({ messages: [user('x')], reasoning_effort: 'low' }, NOVA, true))).toMatchObject({
      status: 400,
      code: 'unsupported_parameter',
      param: 'reasoning_effort',
      fallback: true,
    });
  });

  it('puts top_k where Claude and Nova read it, and drops it for other models', () => {
    expect(convert({ messages: [user('x')], top_k: 200 }).body.additionalModelRequestFields).toEqual({ top_k: 200 });
    expect(convert({ messages: [user('x')], top_k: 20 }, NOVA).body.additionalModelRequestFields).toEqual({
      inferenceConfig: { topK: 20 },
    });
    expect(convert({ messages: [user('x')], top_k: 20 }, 'meta.llama3-70b-instruct-v1:0').droppedParams).toEqual([
      'top_k',
    ]);
    expect(refusal(() => convert({ messages: [user('x')], top_k: 0 }))).toMatchObject({ status: 400, param: 'top_k' });
  });

  it('passes Bedrock-native fields through for callers who want them', () => {
    const { body } = convert(
      {
        messages: [user('x')],
        additionalModelRequestFields: { inferenceConfig: { topK: 20 } },
        guardrailConfig: { guardrailIdentifier: 'gr-1', guardrailVersion: '1' },
        performanceConfig: { latency: 'optimized' },
      },
      NOVA,
    );
    expect(body).toMatchObject({
      additionalModelRequestFields: { inferenceConfig: { topK: 20 } },
      guardrailConfig: { guardrailIdentifier: 'gr-1', guardrailVersion: '1' },
      performanceConfig: { latency: 'optimized' },
    });
  });

  it('maps a json_schema response_format to outputConfig.textFormat and drops json_object', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    const { body } = convert({
      messages: [user('x')],
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } },
    });
    expect(body.outputConfig).toEqual({
      textFormat: {
        type: 'json_schema',
        structure: { jsonSchema: { schema: JSON.stringify(schema), name: 'answer' } },
      },
    });
    expect(convert({ messages: [user('x')], response_format: { type: 'json_object' } }).droppedParams).toEqual([
      'response_format',
    ]);
  });

  it('maps user and safety_identifier to requestMetadata, service_tier to serviceTier', () => {
    const { body } = convert({
      messages: [user('x')],
      user: 'customer-42@example.com',
      safety_identifier: 'hash:ab12',
      service_tier: 'flex',
    });
    expect(body.requestMetadata).toEqual({ user: 'customer-42@example.com', safety_identifier: 'hash:ab12' });
    expect(body.serviceTier).toEqual({ type: 'flex' });
    expect(convert({ messages: [user('x')], service_tier: 'auto' }).body.serviceTier).toBeUndefined();
    expect(convert({ messages: [user('x')], service_tier: 'scale' }).droppedParams).toEqual(['service_tier']);
  });

  it('drops what Converse cannot do and reports it, leaving neutral values alone', () => {
    const { droppedParams } = convert({
      messages: [user('x')],
      n: 1,
      logprobs: false,
      frequency_penalty: 0,
      presence_penalty: 0.5,
      seed: 7,
      logit_bias: { '50256': -100 },
      parallel_tool_calls: false,
      temperature: 1.5,
      modalities: ['text'],
      some_vendor_field: true,
    });
    expect(droppedParams.sort()).toEqual(
      ['logit_bias', 'parallel_tool_calls', 'presence_penalty', 'seed', 'some_vendor_field', 'temperature'].sort(),
    );
  });

  it('refuses instead of dropping when strict, naming the parameter', () => {
    const error = refusal(() => convert({ messages: [user('x')], seed: 7 }, CLAUDE, true));
    expect(error).toMatchObject({ status: 400, code: 'unsupported_parameter', param: 'seed', fallback: true });
    expect(error.message).toBe(
      'Provider `bedrock` (AWS Bedrock) cannot honour `seed`: Converse has no seed. Remove it, or turn off strictParams to have it dropped and reported.',
    );
    expect(refusal(() => convert({ messages: [user('x')], temperature: 1.2 }, CLAUDE, true))).toMatchObject({
      param: 'temperature',
    });
  });

  it('has a policy row for every parameter of OpenAI CreateChatCompletionRequest', () => {
    const spec = JSON.parse(readFileSync(new URL('../specs/openai-openapi.json', import.meta.url), 'utf8'));
    const schemas = spec.components.schemas as Record<string, any>;
    const names = new Set<string>();
    const seen = new Set<string>();
    const walk = (schema: any): void => {
      if (!schema) return;
      if (schema.$ref) {
        const name = schema.$ref.split('/').pop();
        if (!seen.has(name)) {
          seen.add(name);
          walk(schemas[name]);
        }
        return;
      }
      for (const key of Object.keys(schema.properties ?? {})) names.add(key);
      for (const list of [schema.allOf, schema.anyOf, schema.oneOf]) for (const part of list ?? []) walk(part);
    };
    walk(schemas.CreateChatCompletionRequest);
    expect(names.size).toBeGreaterThan(30);
    expect([...names].filter((name) => !Object.hasOwn(BEDROCK_PARAM_POLICY, name))).toEqual([]);
  });

  it('has every row of the policy table in docs/aws-bedrock.md', () => {
    const section = readFileSync(new URL('../../docs/aws-bedrock.md', import.meta.url), 'utf8');
    expect(section.length).toBeGreaterThan(1000);
    expect(Object.keys(BEDROCK_PARAM_POLICY).filter((name) => !section.includes(`\`${name}\``))).toEqual([]);
  });
});
