/**
 * `POST /responses` bridged to Anthropic through chat completions, end to end: the official openai
 * SDK (`responses.create`, `responses.stream()` + `finalResponse()`) against the gateway in a real
 * Express app and a loopback server speaking Anthropic's wire format, replaying recorded answers
 * (test/fixtures, PROVENANCE.tsv); and the final response shape against recorded native OpenAI
 * streams. Every answer and stream event is checked against the OpenAI spec and the stream
 * contract; what the upstream received is checked as it received it. Gemini, Bedrock,
 * OpenAI-compatible servers and failures: responses-bridge-providers.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  recordedEvents,
  thinkingThenToolEvents,
  toWire,
  writeAnthropicStream,
} from './helpers/anthropic-recordings.js';
import { CLAUDE, useBridgeRig, withGatewayParams } from './helpers/bridge-rig.js';
import { fixtureChunks, fixtureJson } from './helpers/fixtures.js';
import { assertValidOpenAIResponse } from './helpers/openai-response-spec.js';

type Json = Record<string, any>;

const NATIVE_TEXT = fixtureChunks<Json>('openai-responses/azure-text.chunks.jsonl');
const { rig, logs, claudeReplays, streamed } = useBridgeRig();

describe('Anthropic through the bridge', () => {
  it('JSON: instructions and input become system and messages; the answer is a Responses response, logged once', async () => {
    rig.claude.handle(claudeReplays(undefined, 'anthropic-text.json'));
    const answer = await rig.client.responses.create({
      model: CLAUDE,
      instructions: 'Be brief.',
      input: 'Say hello',
      max_output_tokens: 300,
    });
    assertValidOpenAIResponse('response', answer);
    const recorded = fixtureJson('anthropic/anthropic-text.json');
    expect(answer.output_text).toBe(recorded.content[0].text);
    expect(answer).toMatchObject({
      object: 'response',
      status: 'completed',
      instructions: 'Be brief.',
      max_output_tokens: 300,
      store: false,
    });
    expect(answer.id).toMatch(/^resp_/);
    const [request] = rig.claude.requests;
    expect(request.url).toBe('/v1/messages');
    expect(request.headers['x-api-key']).toBe('sk-ant-test-bridge-0001');
    expect(request.body).toMatchObject({
      model: 'claude-sonnet-4-5',
      max_tokens: 300,
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello' }] }],
    });
    const [record] = await logs.settle(1);
    expect(logs.records).toHaveLength(1);
    expect(record).toMatchObject({ endpoint: 'responses', provider: 'anthropic', status: 'success' });
    expect(record.output).toEqual(answer.output);
    expect(record.usage).toMatchObject({
      prompt_tokens: answer.usage!.input_tokens,
      completion_tokens: answer.usage!.output_tokens,
    });
  });

  it('gateway parameters (top level, extra_body, header) and metadata stay out of the upstream request, into the log', async () => {
    rig.claude.handle(claudeReplays(undefined, 'anthropic-text.json'));
    await rig.client.responses.create(
      {
        model: CLAUDE,
        input: 'Say hello',
        ...withGatewayParams({
          metadata: { team: 'search' },
          customer_identifier: 'c-1',
          extra_body: { thread_identifier: 'thread-1' },
        }),
      },
      { headers: { 'x-modelgate-params': JSON.stringify({ group_identifier: 'group-1' }) } },
    );
    const sent = rig.claude.requests[0].body;
    expect(Object.keys(sent).sort()).toEqual(['max_tokens', 'messages', 'model']);
    const [record] = await logs.settle(1);
    expect(record).toMatchObject({
      metadata: { team: 'search' },
      customer_identifier: 'c-1',
      thread_identifier: 'thread-1',
      group_identifier: 'group-1',
    });
  });

  it('stream with thinking: the SDK accumulates the same final response; the signature comes back on the next turn', async () => {
    rig.claude.handle(claudeReplays('anthropic-thinking.chunks.jsonl'));
    const input = [{ role: 'user' as const, content: 'Divide the previous result by 5.' }];
    const { events, final, snapshot } = await streamed({ model: CLAUDE, input, reasoning: { effort: 'low' } });
    expect(final).toMatchObject(snapshot);
    expect(events.at(-1)!.type).toBe('response.completed');
    expect(final.output.map((item: Json) => item.type)).toEqual(['reasoning', 'message', 'reasoning']);
    expect(rig.claude.requests[0].body.thinking).toMatchObject({ type: 'enabled' });
    // The recorded signature, as Anthropic streamed it in signature_delta events.
    const signature = recordedEvents('anthropic-thinking.chunks.jsonl')
      .map((event) => JSON.parse(event.data))
      .filter((event) => event.delta?.type === 'signature_delta')
      .map((event) => event.delta.signature)
      .join('');
    expect(signature.length).toBeGreaterThan(20);

    rig.claude.handle(claudeReplays('anthropic-text.chunks.jsonl'));
    await rig.client.responses.create({
      model: CLAUDE,
      input: [...input, ...final.output, { role: 'user', content: 'Thanks. And by 37?' }],
      reasoning: { effort: 'low' },
      stream: true,
    });
    const sent = rig.claude.requests[1].body.messages;
    expect(sent.map((message: Json) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(sent[1].content[0]).toEqual({ type: 'thinking', thinking: final.output[0].summary[0].text, signature });
    expect(sent[1].content[1]).toEqual({ type: 'text', text: final.output_text });
    const records = await logs.settle(2);
    expect(records[0].output).toEqual(snapshot.output);
  });

  it('a tool round trip: function_call, then function_call_output next turn; Claude gets its thinking, tool_use and tool_result', async () => {
    rig.claude.handle(claudeReplays(undefined, 'issue-13430-thinking-tool-call.json'));
    const tools = [
      {
        type: 'function' as const,
        name: 'checkSandboxErrors',
        parameters: { type: 'object', properties: {} },
        strict: false,
      },
    ];
    const first = await rig.client.responses.create({ model: CLAUDE, input: 'Check the sandbox.', tools });
    const call = first.output.find((item) => item.type === 'function_call')!;
    expect(call).toMatchObject({
      name: 'checkSandboxErrors',
      call_id: 'toolu_017R7ACrx7NF7sLDDtvdQ1u9',
      arguments: '{}',
    });
    expect(rig.claude.requests[0].body.tools).toEqual([
      { name: 'checkSandboxErrors', input_schema: { type: 'object', properties: {} }, strict: false },
    ]);

    rig.claude.handle(claudeReplays(undefined, 'anthropic-text.json'));
    const second = await rig.client.responses.create({
      model: CLAUDE,
      tools,
      input: [
        { role: 'user', content: 'Check the sandbox.' },
        ...(first.output as never[]),
        { type: 'function_call_output', call_id: call.call_id, output: 'No errors.' },
      ],
    });
    expect(second.output_text).toBe(fixtureJson('anthropic/anthropic-text.json').content[0].text);
    const recorded = fixtureJson('anthropic/issue-13430-thinking-tool-call.json').content;
    expect(rig.claude.requests[1].body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Check the sandbox.' }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: recorded[0].thinking, signature: recorded[0].signature },
          { type: 'tool_use', id: recorded[1].id, name: 'checkSandboxErrors', input: {} },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: recorded[1].id, content: 'No errors.' }] },
    ]);
  });

  it('structured output: text.format json_schema reaches Claude as its output format; the text is the JSON', async () => {
    rig.claude.handle(claudeReplays('anthropic-json-output-format.chunks.jsonl'));
    const schema = {
      type: 'object',
      properties: { characters: { type: 'array' } },
      required: ['characters'],
      additionalProperties: false,
    };
    const { final } = await streamed({
      model: CLAUDE,
      input: 'Three characters.',
      text: { format: { type: 'json_schema', name: 'party', schema, strict: true } },
    });
    expect(JSON.parse(final.output_text).characters.length).toBeGreaterThan(0);
    expect(final.text.format).toMatchObject({ type: 'json_schema', name: 'party' });
    expect(rig.claude.requests[0].body.output_config).toEqual({ format: { type: 'json_schema', schema } });
  });

  it('max_output_tokens: Claude stopping at max_tokens ends in response.incomplete', async () => {
    rig.claude.handle(claudeReplays('sdk-incomplete_partial_json_response.sse'));
    const { events, final } = await streamed({ model: CLAUDE, input: 'Go on.', max_output_tokens: 40 });
    expect(events.at(-1)!.type).toBe('response.incomplete');
    expect(final).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(rig.claude.requests[0].body.max_tokens).toBe(40);
  });
});

describe('the same final response shape as a native stream', () => {
  /** The first of the four recorded native streams (reasoning with encrypted_content, then a function call). */
  const NATIVE = (() => {
    const events = fixtureChunks<Json>('openai-responses/openai-reasoning-encrypted-content.chunks.jsonl');
    return events.slice(
      0,
      events.findIndex((event, i) => i > 0 && event.type === 'response.created'),
    );
  })();
  /** Keys of one deployment only (OpenAI's billing), and `user`, which OpenAI sends null where its spec types a string. */
  const shape = (response: Json) =>
    Object.keys(response)
      .filter((key) => !['user', 'billing', 'prompt_cache_retention'].includes(key))
      .sort();
  const itemShapes = (response: Json) =>
    new Set(response.output.map((item: Json) => `${item.type}: ${Object.keys(item).sort().join(',')}`));

  it('the SDK accumulates a bridged stream (Claude: thinking, then a tool call) into the shape it accumulates a native one into', async () => {
    rig.openai.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(NATIVE.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join(''));
    });
    const tools = [
      { type: 'function' as const, name: 'calculator', parameters: { type: 'object', properties: {} }, strict: false },
    ];
    const native = (await streamed({ model: 'openai/gpt-5.1-codex-max', input: '12+7?', tools }, true)).final;
    expect(native.output.map((item: Json) => item.type)).toEqual(['reasoning', 'function_call']);

    rig.claude.handle((_request, response) => writeAnthropicStream(response, toWire(thinkingThenToolEvents())));
    const bridged = (await streamed({ model: CLAUDE, input: '12+7?', tools, reasoning: { effort: 'low' } })).final;
    expect(bridged.output.map((item: Json) => item.type)).toEqual([
      'reasoning',
      'message',
      'function_call',
      'reasoning',
    ]);
    // Every key of the native final; beyond them only `completed_at`, which newer OpenAI responses
    // carry (the openai-function-call recording) and this older recording does not.
    expect(shape(bridged)).toEqual(expect.arrayContaining(shape(native)));
    expect(shape(bridged).filter((key) => !shape(native).includes(key))).toEqual(['completed_at']);
    expect(fixtureChunks<Json>('openai-responses/openai-function-call.chunks.jsonl').at(-1)!.response).toHaveProperty(
      'completed_at',
    );
    // Item shapes as OpenAI sends them: this stream's, a text answer's (Azure), reasoning without
    // encrypted_content (the web-search recording).
    const nativeItems = [
      native,
      NATIVE_TEXT.at(-1)!.response,
      fixtureJson('openai-responses/openai-web-search-tool.json'),
    ];
    const known = new Set(nativeItems.flatMap((response) => [...itemShapes(response)]));
    for (const item of itemShapes(bridged)) expect([...known]).toContain(item);
    expect(typeof bridged.output_text).toBe(typeof native.output_text);
  });
});
