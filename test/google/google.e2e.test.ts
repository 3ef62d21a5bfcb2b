/**
 * Gemini end to end: the official openai SDK as the client, the gateway in a real Express app, and
 * a loopback server speaking Gemini's real wire format (`data: ...\r\n\r\n` SSE). The stream replays
 * the recording byte for byte; other Gemini answers are written after the API reference (URLs at
 * each), because the repository holds no other Gemini recording. Failures: google-failures.e2e.test.ts.
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { createGateway } from '../../src/index.js';
import { fixtureText } from '../helpers/fixtures.js';
import { GEMINI_RECORDING, geminiSse, recordedGeminiEvents } from '../helpers/gemini.js';
import { GEMINI_KEY, inTurn, textResponse, useGeminiStack } from '../helpers/gemini-stack.js';
import { HOST_KINDS, startHost } from '../helpers/hosts.js';
import { json } from '../helpers/upstream.js';

const stack = useGeminiStack();

describe('the recorded stream through the SDK', () => {
  it('streams the recorded text, with no usage chunk unless asked', async () => {
    const raw = fixtureText(GEMINI_RECORDING);
    stack.gemini.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      // The recorded bytes as Gemini sent them, cut inside a CRLF to make the decoder work.
      const cut = raw.indexOf('\r\n') + 1;
      response.write(raw.slice(0, cut));
      setTimeout(() => response.end(raw.slice(cut)), 5);
    });
    const stream = await stack.client.chat.completions.create({
      model: 'gemini-2.0-flash',
      stream: true,
      messages: [{ role: 'user', content: 'What is the capital of Wyoming?' }],
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const recorded = recordedGeminiEvents()
      .map((event) => event.candidates[0].content.parts[0].text)
      .join('');
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toBe(recorded);
    expect(chunks.every((chunk) => chunk.choices.length === 1)).toBe(true);
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('stop');
    expect(stack.gemini.requests[0].url).toBe('/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse');
    expect(stack.gemini.requests[0].body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'What is the capital of Wyoming?' }] }],
    });
    const [record] = await stack.logs.settle(1);
    expect(record).toMatchObject({
      provider: 'google',
      model: 'gemini-2.0-flash',
      status: 'success',
      usage: { prompt_tokens: 7, completion_tokens: 10, total_tokens: 17 },
    });
    expect((record.output as any)[0].message.content).toBe(recorded);
  });

  it('adds the usage chunk when the client asks for it', async () => {
    stack.gemini.handle((_request, response) => geminiSse(response, recordedGeminiEvents()));
    const stream = await stack.client.chat.completions.create({
      model: 'gemini-2.0-flash',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'x' }],
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 7,
        completion_tokens: 10,
        total_tokens: 17,
        prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      },
    });
  });
});

describe('every host kind', () => {
  it.each(HOST_KINDS)('streams the recording through %s', async (kind) => {
    const raw = fixtureText(GEMINI_RECORDING);
    stack.gemini.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(raw);
    });
    const kindHost = await startHost(kind, stack.gateway);
    try {
      const kindClient = new OpenAI({ baseURL: kindHost.baseURL, apiKey: 'client-key-not-forwarded', maxRetries: 0 });
      const completion = await kindClient.chat.completions
        .stream({ model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'x' }] })
        .finalChatCompletion();
      expect(completion.choices[0].message.content).toBe('The capital of Wyoming is **Cheyenne**.\n');
      expect(completion.choices[0].finish_reason).toBe('stop');
    } finally {
      await kindHost.close();
    }
  });
});

describe('non-streaming', () => {
  it('returns a chat.completion and reports dropped parameters in a header and the log', async () => {
    stack.gemini.handle((_request, response) => json(response, 200, textResponse('Cheyenne.')));
    const { data, response } = await stack.client.chat.completions
      .create({
        model: 'gemini-2.5-flash',
        messages: [{ role: 'user', content: 'Capital of Wyoming?' }],
        logit_bias: { '50256': -100 },
        temperature: 0.3,
      })
      .withResponse();
    expect(data).toMatchObject({
      id: 'chatcmpl-resp-text-1',
      object: 'chat.completion',
      model: 'gemini-2.5-flash',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Cheyenne.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 },
    });
    expect(response.headers.get('x-modelgate-provider')).toBe('google');
    expect(response.headers.get('x-modelgate-dropped-params')).toBe('logit_bias');
    expect(stack.gemini.requests[0].body.generationConfig).toEqual({ temperature: 0.3 });
    const [record] = await stack.logs.settle(1);
    expect(record.dropped_params).toEqual(['logit_bias']);
  });
});

describe('strictParams', () => {
  it('refuses a parameter Gemini cannot honour with a 400 that names it, before any upstream call', async () => {
    const strict = createGateway({
      providers: { google: { apiKey: GEMINI_KEY, baseURL: `${stack.gemini.origin}/v1beta` } },
      strictParams: true,
    });
    const strictHost = await startHost('node', strict);
    try {
      const strictClient = new OpenAI({
        baseURL: strictHost.baseURL,
        apiKey: 'client-key-not-forwarded',
        maxRetries: 0,
      });
      const error = await strictClient.chat.completions
        .create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], logit_bias: { '1': 1 } })
        .catch((caught) => caught);
      expect(error).toMatchObject({ status: 400, code: 'unsupported_parameter', param: 'logit_bias' });
      expect(error.message).toContain('strictParams');
      expect(stack.gemini.requests).toHaveLength(0);
    } finally {
      await strictHost.close();
      await strict.close();
    }
  });
});

describe('tools and thought signatures across turns', () => {
  // Gemini 3 with function calls: https://ai.google.dev/gemini-api/docs/thought-signatures — the
  // signature rides on the first functionCall part of a step and must come back in that part.
  const SIGNATURE = 'Q2lRQlZLaGM3Z1ZOLXRlc3Qtc2lnbmF0dXJl';
  const callEvents = [
    {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: SIGNATURE },
              { functionCall: { name: 'get_weather', args: { city: 'Tokyo' } } },
            ],
          },
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 60, candidatesTokenCount: 20, thoughtsTokenCount: 90, totalTokenCount: 170 },
      modelVersion: 'gemini-3-flash-preview',
      responseId: 'resp-calls-1',
    },
    {
      candidates: [{ content: { role: 'model', parts: [{ text: '' }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 60, candidatesTokenCount: 20, thoughtsTokenCount: 90, totalTokenCount: 170 },
      modelVersion: 'gemini-3-flash-preview',
      responseId: 'resp-calls-1',
    },
  ];
  const tools: OpenAI.Chat.ChatCompletionTool[] = [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        parameters: {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
          additionalProperties: false,
        },
      },
    },
  ];

  it('streams parallel calls that the SDK accumulates, and sends the signature back on the next turn', async () => {
    stack.gemini.handle(
      inTurn(
        (_request, response) => geminiSse(response, callEvents, { delayMs: 2 }),
        // The same answer, not streamed.
        (_request, response) =>
          json(response, 200, {
            ...callEvents[0],
            candidates: [{ ...callEvents[0].candidates[0], finishReason: 'STOP' }],
          }),
        (_request, response) =>
          json(response, 200, textResponse('Paris 21°C, Tokyo 18°C.', { thoughtSignature: 'dGV4dC1zaWduYXR1cmU=' })),
        (_request, response) => json(response, 200, textResponse('You are welcome.')),
      ),
    );
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'Weather in Paris and Tokyo?' },
    ];
    const completion = await stack.client.chat.completions
      .stream({ model: 'gemini-3-flash-preview', messages, tools })
      .finalChatCompletion();
    const message = completion.choices[0].message;
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(message.tool_calls).toEqual([
      {
        id: 'call_resp-calls-1_0',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        extra_content: { google: { thought_signature: SIGNATURE } },
      },
      { id: 'call_resp-calls-1_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } },
    ]);

    // The same answer, not streamed, gives the same message.
    const whole = await stack.client.chat.completions.create({ model: 'gemini-3-flash-preview', messages, tools });
    expect(whole.choices[0].message.tool_calls).toEqual(message.tool_calls);

    messages.push(message as OpenAI.Chat.ChatCompletionMessageParam);
    messages.push({ role: 'tool', tool_call_id: message.tool_calls![0].id, content: '{"temp":21}' });
    messages.push({ role: 'tool', tool_call_id: message.tool_calls![1].id, content: '{"temp":18}' });
    const answer = await stack.client.chat.completions.create({ model: 'gemini-3-flash-preview', messages, tools });
    expect(answer.choices[0].message.content).toBe('Paris 21°C, Tokyo 18°C.');
    expect((answer.choices[0].message as any).extra_content).toEqual({
      google: { thought_signature: 'dGV4dC1zaWduYXR1cmU=' },
    });

    const sent = stack.gemini.requests[2].body;
    expect(sent.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris and Tokyo?' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: SIGNATURE },
          { functionCall: { name: 'get_weather', args: { city: 'Tokyo' } } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { temp: 21 } } },
          { functionResponse: { name: 'get_weather', response: { temp: 18 } } },
        ],
      },
    ]);
    expect(sent.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: 'get_weather',
            parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] },
          },
        ],
      },
    ]);

    // The text signature goes back too, on the next turn.
    messages.push(answer.choices[0].message as OpenAI.Chat.ChatCompletionMessageParam, {
      role: 'user',
      content: 'Thanks',
    });
    await stack.client.chat.completions.create({ model: 'gemini-3-flash-preview', messages, tools });
    expect(stack.gemini.requests[3].body.contents[3]).toEqual({
      role: 'model',
      parts: [{ text: 'Paris 21°C, Tokyo 18°C.', thoughtSignature: 'dGV4dC1zaWduYXR1cmU=' }],
    });
  });
});
