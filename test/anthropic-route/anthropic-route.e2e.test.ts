/**
 * End to end: the official Anthropic SDK (ANTHROPIC_BASE_URL = http://host/api/anthropic) → a real
 * Express host → the gateway → loopback upstreams replaying recorded streams: Anthropic itself
 * (byte-for-byte pass-through), an OpenAI-format and a Gemini-format upstream (through the bridge).
 * Answers are checked against the Anthropic spec, what reaches each upstream against its own.
 */
import { describe, expect, it } from 'vitest';
import { recordedWire } from '../helpers/anthropic-recordings.js';
import {
  assertValidAnthropicEvent,
  assertValidAnthropicMessage,
  assertValidAnthropicRequest,
} from '../helpers/anthropic-spec.js';
import {
  GATEWAY_KEY,
  MODELS,
  replayAnthropic,
  replayChat,
  replayGemini,
  useRouteStack,
} from '../helpers/anthropic-route-stack.js';
import { fixtureChunks, fixtureText } from '../helpers/fixtures.js';

const stack = useRouteStack();
const USER = [{ role: 'user' as const, content: 'What is the weather in San Francisco?' }];
const WEATHER_TOOL = {
  name: 'weather',
  description: 'Weather by city',
  input_schema: { type: 'object' as const, properties: { location: { type: 'string' } }, required: ['location'] },
};

/** Validates what the SDK accumulated (without its own `parsed_output`). */
function checkMessage(message: object): void {
  const { parsed_output: _sdkOwn, ...plain } = message as Record<string, unknown>;
  assertValidAnthropicMessage(plain);
}

/** The raw SSE events of a streamed answer, each checked against the spec. */
async function rawEvents(response: Response): Promise<any[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((frame) => frame.includes('data: '))
    .map((frame) => {
      const data = JSON.parse(frame.slice(frame.indexOf('data: ') + 6));
      expect(frame.startsWith(`event: ${data.type}\n`)).toBe(true);
      assertValidAnthropicEvent(data);
      return data;
    });
}

describe('to Anthropic: the body and the stream pass untouched', () => {
  it('messages.create: the recorded JSON comes back as it was; the body went as it was sent', async () => {
    stack.anthropic.handle(replayAnthropic('anthropic-text.chunks.jsonl'));
    const response = await fetch(`${stack.baseURL}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': GATEWAY_KEY, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: MODELS.anthropic, max_tokens: 64, messages: USER, metadata: { user_id: 'u-1' } }),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(JSON.stringify(JSON.parse(fixtureText('anthropic/anthropic-text.json'))));
    const received = stack.anthropic.requests[0];
    expect(received.url).toBe('/v1/messages');
    expect(received.body).toEqual({
      model: MODELS.anthropic,
      max_tokens: 64,
      messages: USER,
      metadata: { user_id: 'u-1' },
    });
    assertValidAnthropicRequest(received.body);
    const [record] = await stack.logs.waitFor(1);
    expect(record).toMatchObject({ endpoint: 'anthropic.messages', status_code: 200, provider: 'anthropic' });
    expect(record.usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it('messages.stream(): every byte of the recorded stream, in order; finalMessage() from it; usage logged', async () => {
    for (const recording of [
      'anthropic-text.chunks.jsonl',
      'anthropic-thinking.chunks.jsonl',
      'sdk-tool_use_response.sse',
    ]) {
      stack.anthropic.handle(replayAnthropic(recording));
      const response = await fetch(`${stack.baseURL}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': GATEWAY_KEY },
        body: JSON.stringify({ model: MODELS.anthropic, max_tokens: 64, messages: USER, stream: true }),
      });
      expect(await response.text()).toBe(recordedWire(recording));
    }
    stack.anthropic.handle(replayAnthropic('anthropic-thinking.chunks.jsonl'));
    const stream = stack.client.messages.stream({
      model: MODELS.anthropic,
      max_tokens: 2048,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: USER,
    });
    const message = await stream.finalMessage();
    expect(message.content[0].type).toBe('thinking');
    expect(stack.anthropic.requests.at(-1)!.body.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    const records = await stack.logs.waitFor(4);
    const last = records.at(-1)!;
    expect(last).toMatchObject({ endpoint: 'anthropic.messages', stream: true, status_code: 200, status: 'success' });
    expect(last.usage?.completion_tokens).toBe(message.usage.output_tokens);
    expect(last.usage?.prompt_tokens).toBe(message.usage.input_tokens);
    // Priced from the catalogue like any other answer (LiteLLM#28943: streamed /v1/messages went uncosted).
    expect(last.cost_usd).toBeGreaterThan(0);
  });

  it("anthropic-version and anthropic-beta are the client's", async () => {
    stack.anthropic.handle(replayAnthropic('anthropic-text.chunks.jsonl'));
    const response = await fetch(`${stack.baseURL}/v1/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': GATEWAY_KEY,
        'anthropic-version': '2023-06-01',
        'anthropic-beta': 'prompt-caching-2024-07-31',
      },
      body: JSON.stringify({ model: MODELS.anthropic, max_tokens: 64, messages: USER }),
    });
    expect(response.status).toBe(200);
    expect(stack.anthropic.requests[0].headers['anthropic-version']).toBe('2023-06-01');
    expect(stack.anthropic.requests[0].headers['anthropic-beta']).toBe('prompt-caching-2024-07-31');
    await stack.client.beta.messages.create({
      model: MODELS.anthropic,
      max_tokens: 64,
      messages: USER,
      betas: ['interleaved-thinking-2025-05-14', 'context-1m-2025-08-07'],
    });
    // The SDK's own version (newer than the provider's default), and its betas.
    const headers = stack.anthropic.requests[1].headers;
    expect(headers['anthropic-version']).not.toBe('2023-06-01');
    expect(headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14,context-1m-2025-08-07');
  });
});

describe('to an OpenAI-format upstream, through the bridge', () => {
  it('messages.create: a spec-valid message from the recorded completion', async () => {
    stack.openai.handle(replayChat('openai-chat/openai-text.chunks.jsonl'));
    const message = await stack.client.messages.create({ model: MODELS.openai, max_tokens: 300, messages: USER });
    checkMessage(message);
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      stop_reason: 'end_turn',
      model: MODELS.openai,
    });
    expect(message.content[0]).toMatchObject({ type: 'text' });
    expect(stack.openai.requests[0].body).toMatchObject({ model: 'gpt-4.1-nano', max_tokens: 300 });
  });

  it('messages.stream(): Anthropic events from the recorded chunks, the real usage at the end', async () => {
    stack.openai.handle(replayChat('openai-chat/openai-text.chunks.jsonl'));
    const stream = stack.client.messages.stream({ model: MODELS.openai, max_tokens: 300, messages: USER });
    const message = await stream.finalMessage();
    checkMessage(message);
    const chunks = fixtureChunks('openai-chat/openai-text.chunks.jsonl');
    const text = chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('');
    expect(message.content).toEqual([{ type: 'text', text, citations: null }]);
    expect(message.usage.output_tokens).toBe(chunks.at(-1).usage.completion_tokens);
    expect(stack.openai.requests[0].body.stream_options).toEqual({ include_usage: true });
    const [record] = await stack.logs.waitFor(1);
    expect(record).toMatchObject({ endpoint: 'anthropic.messages', provider: 'openai', model: 'gpt-4.1-nano' });
    expect(record.usage?.completion_tokens).toBe(chunks.at(-1).usage.completion_tokens);
    // The log keeps the route's own shapes: the messages as input, the content blocks as output.
    expect(record.input).toEqual(USER);
    expect(record.output).toEqual(message.content);
  });

  it('tools with a round trip: tool_use from the recorded call, tool_result back as a tool message', async () => {
    stack.openai.handle(
      replayChat('openai-chat/deepseek-tool-call.chunks.jsonl', 'openai-chat/deepseek-tool-call.json'),
    );
    const first = await stack.client.messages
      .stream({ model: MODELS.deepseek, max_tokens: 1024, messages: USER, tools: [WEATHER_TOOL] })
      .finalMessage();
    checkMessage(first);
    expect(first.stop_reason).toBe('tool_use');
    const thinking = first.content.find((block) => block.type === 'thinking');
    const toolUse = first.content.find((block) => block.type === 'tool_use')!;
    expect(thinking).toBeDefined();
    expect(stack.openai.requests[0].body.tools).toEqual([
      {
        type: 'function',
        function: { name: 'weather', description: 'Weather by city', parameters: WEATHER_TOOL.input_schema },
      },
    ]);
    stack.openai.handle(replayChat('openai-chat/openai-text.chunks.jsonl'));
    const second = await stack.client.messages.create({
      model: MODELS.deepseek,
      max_tokens: 1024,
      tools: [WEATHER_TOOL],
      messages: [
        ...USER,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: '18°C and foggy' }] },
      ],
    });
    checkMessage(second);
    const sent = stack.openai.requests[1].body.messages;
    expect(sent[1]).toMatchObject({
      role: 'assistant',
      tool_calls: [
        { id: toolUse.id, type: 'function', function: { name: toolUse.type === 'tool_use' && toolUse.name } },
      ],
      // DeepSeek's reasoning goes back to DeepSeek, as its API wants in a tool-calling turn.
      reasoning_content: thinking!.type === 'thinking' && thinking!.thinking,
    });
    expect(sent[2]).toEqual({ role: 'tool', tool_call_id: toolUse.id, content: '18°C and foggy' });
  });
});

describe('to a Gemini-format upstream, through the bridge', () => {
  it('a tool call round trip: Gemini 3 gets its thought signature back on the call', async () => {
    stack.gemini.handle(replayGemini('gemini/google-tool-call-gemini3.chunks.jsonl'));
    const first = await stack.client.messages
      .stream({ model: MODELS.gemini, max_tokens: 1024, messages: USER, tools: [WEATHER_TOOL] })
      .finalMessage();
    checkMessage(first);
    expect(first.stop_reason).toBe('tool_use');
    const toolUse = first.content.find((block) => block.type === 'tool_use')!;
    expect(toolUse).toMatchObject({ name: 'weather', input: { location: 'San Francisco' } });
    expect(stack.gemini.requests[0].url).toContain('gemini-3-pro-preview:streamGenerateContent');

    stack.gemini.handle(replayGemini('gemini/google-reasoning-gemini3.chunks.jsonl'));
    const second = await stack.client.messages
      .stream({
        model: MODELS.gemini,
        max_tokens: 1024,
        tools: [WEATHER_TOOL],
        messages: [
          ...USER,
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: '18°C' }] },
        ],
      })
      .finalMessage();
    checkMessage(second);
    const recorded = fixtureChunks('gemini/google-tool-call-gemini3.chunks.jsonl')[0].candidates[0].content.parts[0];
    const modelTurn = stack.gemini.requests[1].body.contents[1];
    expect(modelTurn.role).toBe('model');
    expect(modelTurn.parts).toContainEqual({
      functionCall: { name: 'weather', args: { location: 'San Francisco' } },
      thoughtSignature: recorded.thoughtSignature,
    });
  });

  it("raw events follow Anthropic's sequence: message_start with a non-zero usage, ping, blocks, message_delta, message_stop", async () => {
    stack.gemini.handle(replayGemini('gemini/google-reasoning-gemini3.chunks.jsonl'));
    const response = await fetch(`${stack.baseURL}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEY}` },
      body: JSON.stringify({
        model: MODELS.gemini,
        max_tokens: 1024,
        stream: true,
        thinking: { type: 'enabled', budget_tokens: 2048 },
        messages: USER,
      }),
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = await rawEvents(response);
    expect(events[0].type).toBe('message_start');
    expect(events[0].message.usage.input_tokens).toBeGreaterThan(0);
    expect(events[1].type).toBe('ping');
    expect(events.at(-2)).toMatchObject({ type: 'message_delta', delta: { stop_reason: 'end_turn' } });
    expect(events.at(-1).type).toBe('message_stop');
    const started = events.filter((event) => event.type === 'content_block_start').map((event) => event.index);
    const stopped = events.filter((event) => event.type === 'content_block_stop').map((event) => event.index);
    expect(stopped).toEqual(started);
    expect(started).toEqual(started.map((_, i) => i));
    expect(stack.gemini.requests[0].body.generationConfig.thinkingConfig).toBeDefined();
  });
});
