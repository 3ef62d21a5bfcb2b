/**
 * The Responses bridge's requests, pure: `toChat` field by field, what it refuses (and whether that
 * falls back), and the round trip of tool calls and reasoning signatures checked by what the REAL
 * provider converters build from its chat body (Anthropic, Gemini, Bedrock request bodies).
 */
import { describe, expect, it } from 'vitest';
import { sealReasoning } from '../src/endpoints/responses/reasoning-envelope.js';
import { fromChat, refusal, stream, toChat } from './helpers/bridge-run.js';
import { fixtureChunks, fixtureJson } from './helpers/fixtures.js';
import { convertedCompletion, geminiChunks, upstreamBody } from './helpers/recorded-chat.js';
import { assertValidOpenAIRequest } from './helpers/spec.js';

type Json = Record<string, any>;

describe('toChat', () => {
  it('maps every field chat has, and leaves out what it has not', () => {
    const chat = toChat({
      model: 'claude',
      input: 'Hello',
      instructions: 'Be brief.',
      temperature: 0.5,
      top_p: 0.8,
      user: 'u-1',
      max_output_tokens: 256,
      parallel_tool_calls: false,
      reasoning: { effort: 'high', summary: 'detailed' },
      text: {
        format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true },
        verbosity: 'low',
      },
      tools: [{ type: 'function', name: 'get', description: 'Get it', parameters: { type: 'object' }, strict: true }],
      tool_choice: { type: 'function', name: 'get' },
      store: true,
      include: ['reasoning.encrypted_content'],
      previous_response_id: 'resp_1',
      truncation: 'auto',
      metadata: { a: '1' },
    });
    expect(chat).toEqual({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello' },
      ],
      temperature: 0.5,
      top_p: 0.8,
      user: 'u-1',
      max_completion_tokens: 256,
      parallel_tool_calls: false,
      reasoning_effort: 'high',
      response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: true } },
      tools: [
        {
          type: 'function',
          function: { name: 'get', description: 'Get it', parameters: { type: 'object' }, strict: true },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get' } },
    });
    assertValidOpenAIRequest('chat', { ...chat, model: 'm', stream: true, stream_options: { include_usage: true } });
  });

  it('text.format json_object and text; tool_choice none/auto/required and allowed_tools', () => {
    expect(toChat({ input: 'x', text: { format: { type: 'json_object' } } }).response_format).toEqual({
      type: 'json_object',
    });
    expect(toChat({ input: 'x', text: { format: { type: 'text' } } })).not.toHaveProperty('response_format');
    const tools = [
      { type: 'function', name: 'a', parameters: {} },
      { type: 'function', name: 'b', parameters: {} },
    ];
    for (const choice of ['none', 'auto', 'required'])
      expect(toChat({ input: 'x', tools, tool_choice: choice }).tool_choice).toBe(choice);
    const allowed = toChat({
      input: 'x',
      tools,
      tool_choice: { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'b' }] },
    });
    expect(allowed.tools.map((tool: Json) => tool.function.name)).toEqual(['b']);
    expect(allowed.tool_choice).toBe('required');
  });

  it('messages: content parts, developer as system, images, files; assistant history as text', () => {
    const chat = toChat({
      input: [
        { role: 'developer', content: 'Rules.' },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'Look:' },
            { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'low' },
            { type: 'input_file', filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBE' },
          ],
        },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Seen.' }] },
        { role: 'user', content: 'And?' },
      ],
    });
    expect(chat.messages).toEqual([
      { role: 'system', content: 'Rules.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look:' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
          { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBE' } },
        ],
      },
      { role: 'assistant', content: 'Seen.' },
      { role: 'user', content: 'And?' },
    ]);
  });

  it('consecutive function_call items are ONE assistant turn; outputs are tool messages (Bedrock gets one turn with toolConfig)', () => {
    const tools = [
      { type: 'function', name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
    ];
    const body = {
      tools,
      input: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        { type: 'function_call', call_id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call', call_id: 'call_2', name: 'weather', arguments: '{"city":"Rome"}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'Sunny' },
        { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'Rain' }] },
      ],
    };
    const chat = toChat(body, 'bedrock');
    expect(chat.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_2', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'Sunny' },
      { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'Rain' }] },
    ]);
    const converse = upstreamBody('bedrock', chat);
    expect(converse.messages.map((message: Json) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(converse.messages[1].content.map((block: Json) => block.toolUse?.name)).toEqual(['weather', 'weather']);
    expect(converse.toolConfig.tools).toHaveLength(1);
  });

  it('Codex-style history with tool calls but no tools still reaches Bedrock with a toolConfig (LiteLLM PR #38489)', () => {
    const chat = toChat(
      {
        input: [
          { role: 'user', content: 'List the files.' },
          { type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '{"cmd":"ls"}' },
          { type: 'function_call_output', call_id: 'call_1', output: 'a.txt' },
          { role: 'user', content: 'Sum up.' },
        ],
      },
      'bedrock',
    );
    expect(chat).not.toHaveProperty('tools');
    const converse = upstreamBody('bedrock', chat);
    expect(converse.toolConfig.tools.map((tool: Json) => tool.toolSpec.name)).toEqual(['shell']);
    expect(converse.messages[1].content[0].toolUse).toMatchObject({ toolUseId: 'call_1', name: 'shell' });
  });

  it('built-in tools are a 400 naming the tool that falls back; so are built-in tool_choice and hosted items', () => {
    for (const type of [
      'web_search',
      'web_search_preview',
      'file_search',
      'code_interpreter',
      'computer_use_preview',
      'mcp',
      'image_generation',
      'local_shell',
      'custom',
    ]) {
      const error = refusal(() => toChat({ input: 'x', tools: [{ type }] }));
      expect(error).toMatchObject({ status: 400, code: 'unsupported_tool', fallback: true, param: 'tools[0].type' });
      expect(error.message).toContain(`\`${type}\``);
    }
    expect(refusal(() => toChat({ input: 'x', tool_choice: { type: 'file_search' } }))).toMatchObject({
      code: 'unsupported_tool',
      fallback: true,
    });
    const item = refusal(() =>
      toChat({
        input: [
          { role: 'user', content: 'x' },
          { type: 'item_reference', id: 'msg_1' },
          { type: 'web_search_call', id: 'ws' },
        ],
      }),
    );
    expect(item).toMatchObject({ status: 400, code: 'unsupported_input', param: 'input[1].type', fallback: true });
    expect(item.message).toContain('`item_reference`');
    expect(refusal(() => toChat({ input: 'x', background: true }))).toMatchObject({
      param: 'background',
      fallback: true,
    });
  });

  it('instructions as input items; what only OpenAI can read (file ids, file URLs, images in tool output) falls back', () => {
    expect(
      toChat({ instructions: [{ role: 'developer', content: [{ type: 'input_text', text: 'Rules.' }] }], input: 'Hi' })
        .messages,
    ).toEqual([
      { role: 'system', content: 'Rules.' },
      { role: 'user', content: 'Hi' },
    ]);
    const cases: Array<[Json, string, string]> = [
      [
        { role: 'user', content: [{ type: 'input_image', file_id: 'file-1' }] },
        'unsupported_file_id',
        'input[0].content[0].file_id',
      ],
      [
        { role: 'user', content: [{ type: 'input_file', file_url: 'https://x/a.pdf' }] },
        'unsupported_input',
        'input[0].content[0].file_url',
      ],
      [
        {
          type: 'function_call_output',
          call_id: 'c',
          output: [{ type: 'input_image', image_url: 'data:image/png;base64,AA' }],
        },
        'unsupported_content',
        'input[0].output[0].type',
      ],
    ];
    for (const [item, code, param] of cases)
      expect(refusal(() => toChat({ input: [item] }))).toMatchObject({ status: 400, code, param, fallback: true });
  });

  it('malformed input is a 400 naming the field, without fallback', () => {
    const cases: Array<[Json, string]> = [
      [{ input: [{ role: 'tool', content: 'x' }] }, 'input[0].role'],
      [{ input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }, 'input[0].call_id'],
      [{ input: [{ role: 'user', content: [{ type: 'input_audio' }] }] }, 'input[0].content[0].type'],
      [{ input: 'x', text: { format: { type: 'json_schema', schema: {} } } }, 'text.format.name'],
      [{ input: 'x', tools: [{ type: 'function' }] }, 'tools[0].name'],
      [{ input: [] }, 'input'],
      [{ input: 'x', text: 'json' }, 'text'],
      [{ input: 'x', reasoning: 'high' }, 'reasoning'],
      [{ input: 'x', truncation: 'sometimes' }, 'truncation'],
    ];
    for (const [body, param] of cases)
      expect(refusal(() => toChat(body))).toMatchObject({ status: 400, param, fallback: false });
  });
});

describe('reasoning signatures round trip', () => {
  it('Anthropic: the answer as next input, with the tool output, gives Claude its signed thinking back, intact', () => {
    const completion = convertedCompletion('anthropic', 'anthropic/issue-13430-thinking-tool-call.json');
    const answer = fromChat(completion, 'anthropic', { input: 'go' });
    const input = [
      { role: 'user', content: 'Check the sandbox.' },
      ...answer.output,
      { type: 'function_call_output', call_id: answer.output[1].call_id, output: 'no errors' },
    ];
    const tools = [{ type: 'function', name: 'checkSandboxErrors', parameters: { type: 'object' } }];
    const messages = upstreamBody('anthropic', toChat({ input, tools })).messages;
    const recorded = fixtureJson('anthropic/issue-13430-thinking-tool-call.json').content;
    expect(messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: recorded[0].thinking, signature: recorded[0].signature },
        { type: 'tool_use', id: recorded[1].id, name: 'checkSandboxErrors', input: {} },
      ],
    });
    expect(messages[2].content[0]).toMatchObject({ type: 'tool_result', tool_use_id: recorded[1].id });

    // The same items sent to Gemini: the Anthropic signature is dropped, never sent to the wrong provider.
    const gemini = JSON.stringify(upstreamBody('google', toChat({ input, tools }, 'google')));
    expect(gemini).not.toContain(recorded[0].signature);
  });

  it('Gemini: the streamed call signature goes back on its functionCall part', () => {
    const { final } = stream(geminiChunks('google-tool-call-gemini3.chunks.jsonl'), 'google');
    const call = final.output[0];
    const input = [
      { role: 'user', content: 'Weather in SF?' },
      ...final.output,
      { type: 'function_call_output', call_id: call.call_id, output: '{"temp":18}' },
    ];
    const tools = [
      {
        type: 'function',
        name: 'weather',
        parameters: { type: 'object', properties: { location: { type: 'string' } } },
      },
    ];
    const contents = upstreamBody('google', toChat({ input, tools }, 'google')).contents;
    const recorded = fixtureChunks<Json>('gemini/google-tool-call-gemini3.chunks.jsonl')[0].candidates[0].content
      .parts[0];
    expect(contents[1]).toEqual({
      role: 'model',
      parts: [{ functionCall: recorded.functionCall, thoughtSignature: recorded.thoughtSignature }],
    });
  });

  it('a call id named __proto__ keeps its signature through the stream and back (a plain key of the envelope)', () => {
    const signature = { google: { thought_signature: 'sig-1' } };
    const chunk = (delta: Json, finish: string | null = null) => ({
      id: 'c',
      object: 'chat.completion.chunk' as const,
      created: 1,
      model: 'gemini-3-pro-preview',
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
    const { final } = stream(
      [
        chunk({
          tool_calls: [
            {
              index: 0,
              id: '__proto__',
              type: 'function',
              function: { name: 'f', arguments: '{}' },
              extra_content: signature,
            },
          ],
        }),
        chunk({}, 'tool_calls'),
      ],
      'google',
    );
    const envelope = JSON.parse(Buffer.from(final.output[1].encrypted_content, 'base64').toString('utf8'));
    expect(Object.keys(envelope.calls)).toEqual(['__proto__']);
    const chat = toChat({ input: [{ role: 'user', content: 'x' }, ...final.output] }, 'google');
    expect(chat.messages[1].tool_calls).toEqual([
      { id: '__proto__', type: 'function', function: { name: 'f', arguments: '{}' }, extra_content: signature },
    ]);
  });

  it('foreign, malformed and OpenAI-encrypted reasoning items are dropped, never a 500', () => {
    const openai = fixtureJson('openai-responses/openai-reasoning-encrypted-content.json').output[0];
    const input = (encrypted: unknown) => [
      { role: 'user', content: 'x' },
      { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: encrypted },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'y' }] },
      { role: 'user', content: 'z' },
    ];
    const foreign = sealReasoning('google', {
      message: { thinking_blocks: [{ type: 'thinking', thinking: 't', signature: 's' }] },
      calls: {},
    });
    for (const encrypted of [
      openai.encrypted_content,
      foreign,
      '!!!',
      'e30=',
      Buffer.from('{"v":2,"provider":"anthropic"}').toString('base64'),
      42,
      null,
    ]) {
      const chat = toChat({ input: input(encrypted) });
      expect(chat.messages[1]).toEqual({ role: 'assistant', content: 'y' });
      upstreamBody('anthropic', chat);
    }
    // A reasoning item alone (nothing said) adds no assistant turn.
    expect(
      toChat({
        input: [
          { role: 'user', content: 'x' },
          { type: 'reasoning', summary: [], encrypted_content: foreign },
        ],
      }).messages,
    ).toHaveLength(1);
  });
});
