/**
 * Gemini end to end: the official openai SDK as the client, the gateway in a real Express app, and
 * a loopback server speaking Gemini's real wire format (`data: ...\r\n\r\n` SSE, google.rpc.Status
 * errors). The stream replays the recording byte for byte; other Gemini answers are written after
 * the API reference (URLs at each), because the repository holds no other Gemini recording.
 */
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/index.js';
import { fixtureChunks, fixtureText } from './helpers/fixtures.js';
import { GEMINI_RECORDING, geminiSse, recordedGeminiEvents } from './helpers/gemini.js';
import { HOST_KINDS, startHost, type Host } from './helpers/hosts.js';
import { logCollector } from './helpers/logs.js';
import { json, sse, startUpstream, type Upstream, type UpstreamHandler } from './helpers/upstream.js';

const GEMINI_KEY = 'AIza-test-key-not-real-000000000';
const OPENAI_KEY = 'sk-test-upstream-key-0002';
const TEXT_CHUNKS = fixtureChunks('openai-chat/openai-text.chunks.jsonl');
const gatewayParams = (params: Record<string, unknown>) => params as object;

let gemini: Upstream;
let openai: Upstream;
let gateway: Gateway;
let host: Host;
let client: OpenAI;
const logs = logCollector();

beforeAll(async () => {
  gemini = await startUpstream();
  openai = await startUpstream();
  gateway = createGateway({
    providers: {
      google: { apiKey: GEMINI_KEY, baseURL: `${gemini.origin}/v1beta` },
      openai: { apiKey: OPENAI_KEY, baseURL: openai.baseURL },
    },
    retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 5 },
    onLog: logs.sink,
  });
  host = await startHost('express', gateway);
  client = new OpenAI({ baseURL: host.baseURL, apiKey: 'client-key-not-forwarded', maxRetries: 0 });
});

afterAll(async () => {
  await host.close();
  await gateway.close();
  await gemini.close();
  await openai.close();
});

afterEach(() => {
  for (const request of gemini.requests) {
    expect(request.headers['x-goog-api-key']).toBe(GEMINI_KEY);
    expect(request.url).not.toContain(GEMINI_KEY);
    expect(request.headers.authorization).toBeUndefined();
  }
  gemini.requests.length = 0;
  openai.requests.length = 0;
  logs.records.length = 0;
});

/** Answers the n-th request of this test with the n-th handler (the last one repeats). */
function inTurn(...handlers: UpstreamHandler[]): UpstreamHandler {
  let next = 0;
  return (request, response) => handlers[Math.min(next++, handlers.length - 1)](request, response);
}

/** A model turn answering text, per https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse. */
function textResponse(text: string, extra: Record<string, unknown> = {}) {
  return {
    candidates: [{ content: { role: 'model', parts: [{ text, ...extra }] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 4, totalTokenCount: 16 },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'resp-text-1',
  };
}

describe('the recorded stream through the SDK', () => {
  it('streams the recorded text, with no usage chunk unless asked', async () => {
    const raw = fixtureText(GEMINI_RECORDING);
    gemini.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      // The recorded bytes as Gemini sent them, cut inside a CRLF to make the decoder work.
      const cut = raw.indexOf('\r\n') + 1;
      response.write(raw.slice(0, cut));
      setTimeout(() => response.end(raw.slice(cut)), 5);
    });
    const stream = await client.chat.completions.create({ model: 'gemini-2.0-flash', stream: true, messages: [{ role: 'user', content: 'What is the capital of Wyoming?' }] });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const recorded = recordedGeminiEvents().map((event) => event.candidates[0].content.parts[0].text).join('');
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toBe(recorded);
    expect(chunks.every((chunk) => chunk.choices.length === 1)).toBe(true);
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('stop');
    expect(gemini.requests[0].url).toBe('/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse');
    expect(gemini.requests[0].body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'What is the capital of Wyoming?' }] }] });
    const [record] = await logs.settle(1);
    expect(record).toMatchObject({ provider: 'google', model: 'gemini-2.0-flash', status: 'success', usage: { prompt_tokens: 7, completion_tokens: 10, total_tokens: 17 } });
    expect((record.output as any)[0].message.content).toBe(recorded);
  });

  it('adds the usage chunk when the client asks for it', async () => {
    gemini.handle((_request, response) => geminiSse(response, recordedGeminiEvents()));
    const stream = await client.chat.completions.create({ model: 'gemini-2.0-flash', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'x' }] });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 10, total_tokens: 17, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 } } });
  });
});

describe('every host kind', () => {
  it.each(HOST_KINDS)('streams the recording through %s', async (kind) => {
    const raw = fixtureText(GEMINI_RECORDING);
    gemini.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(raw);
    });
    const kindHost = await startHost(kind, gateway);
    try {
      const kindClient = new OpenAI({ baseURL: kindHost.baseURL, apiKey: 'client-key-not-forwarded', maxRetries: 0 });
      const completion = await kindClient.chat.completions.stream({ model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'x' }] }).finalChatCompletion();
      expect(completion.choices[0].message.content).toBe('The capital of Wyoming is **Cheyenne**.\n');
      expect(completion.choices[0].finish_reason).toBe('stop');
    } finally {
      await kindHost.close();
    }
  });
});

describe('non-streaming', () => {
  it('returns a chat.completion and reports dropped parameters in a header and the log', async () => {
    gemini.handle((_request, response) => json(response, 200, textResponse('Cheyenne.')));
    const { data, response } = await client.chat.completions
      .create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Capital of Wyoming?' }], logit_bias: { '50256': -100 }, temperature: 0.3 })
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
    expect(gemini.requests[0].body.generationConfig).toEqual({ temperature: 0.3 });
    const [record] = await logs.settle(1);
    expect(record.dropped_params).toEqual(['logit_bias']);
  });
});

describe('strictParams', () => {
  it('refuses a parameter Gemini cannot honour with a 400 that names it, before any upstream call', async () => {
    const strict = createGateway({ providers: { google: { apiKey: GEMINI_KEY, baseURL: `${gemini.origin}/v1beta` } }, strictParams: true });
    const strictHost = await startHost('node', strict);
    try {
      const strictClient = new OpenAI({ baseURL: strictHost.baseURL, apiKey: 'client-key-not-forwarded', maxRetries: 0 });
      const error = await strictClient.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], logit_bias: { '1': 1 } }).catch((caught) => caught);
      expect(error).toMatchObject({ status: 400, code: 'unsupported_parameter', param: 'logit_bias' });
      expect(error.message).toContain('strictParams');
      expect(gemini.requests).toHaveLength(0);
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
      candidates: [{ content: { role: 'model', parts: [
        { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: SIGNATURE },
        { functionCall: { name: 'get_weather', args: { city: 'Tokyo' } } },
      ] }, index: 0 }],
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
    { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } } },
  ];

  it('streams parallel calls that the SDK accumulates, and sends the signature back on the next turn', async () => {
    gemini.handle(
      inTurn(
        (_request, response) => geminiSse(response, callEvents, { delayMs: 2 }),
        // The same answer, not streamed.
        (_request, response) => json(response, 200, { ...callEvents[0], candidates: [{ ...callEvents[0].candidates[0], finishReason: 'STOP' }] }),
        (_request, response) => json(response, 200, textResponse('Paris 21°C, Tokyo 18°C.', { thoughtSignature: 'dGV4dC1zaWduYXR1cmU=' })),
        (_request, response) => json(response, 200, textResponse('You are welcome.')),
      ),
    );
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris and Tokyo?' }];
    const completion = await client.chat.completions.stream({ model: 'gemini-3-flash-preview', messages, tools }).finalChatCompletion();
    const message = completion.choices[0].message;
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(message.tool_calls).toEqual([
      { id: 'call_resp-calls-1_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' }, extra_content: { google: { thought_signature: SIGNATURE } } },
      { id: 'call_resp-calls-1_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } },
    ]);

    // The same answer, not streamed, gives the same message.
    const whole = await client.chat.completions.create({ model: 'gemini-3-flash-preview', messages, tools });
    expect(whole.choices[0].message.tool_calls).toEqual(message.tool_calls);

    messages.push(message as OpenAI.Chat.ChatCompletionMessageParam);
    messages.push({ role: 'tool', tool_call_id: message.tool_calls![0].id, content: '{"temp":21}' });
    messages.push({ role: 'tool', tool_call_id: message.tool_calls![1].id, content: '{"temp":18}' });
    const answer = await client.chat.completions.create({ model: 'gemini-3-flash-preview', messages, tools });
    expect(answer.choices[0].message.content).toBe('Paris 21°C, Tokyo 18°C.');
    expect((answer.choices[0].message as any).extra_content).toEqual({ google: { thought_signature: 'dGV4dC1zaWduYXR1cmU=' } });

    const sent = gemini.requests[2].body;
    expect(sent.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris and Tokyo?' }] },
      { role: 'model', parts: [
        { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: SIGNATURE },
        { functionCall: { name: 'get_weather', args: { city: 'Tokyo' } } },
      ] },
      { role: 'user', parts: [
        { functionResponse: { name: 'get_weather', response: { temp: 21 } } },
        { functionResponse: { name: 'get_weather', response: { temp: 18 } } },
      ] },
    ]);
    expect(sent.tools).toEqual([{ functionDeclarations: [{ name: 'get_weather', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] } }] }]);

    // The text signature goes back too, on the next turn.
    messages.push(answer.choices[0].message as OpenAI.Chat.ChatCompletionMessageParam, { role: 'user', content: 'Thanks' });
    await client.chat.completions.create({ model: 'gemini-3-flash-preview', messages, tools });
    expect(gemini.requests[3].body.contents[3]).toEqual({ role: 'model', parts: [{ text: 'Paris 21°C, Tokyo 18°C.', thoughtSignature: 'dGV4dC1zaWduYXR1cmU=' }] });
  });
});

describe('errors', () => {
  // google.rpc.Status bodies: https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
  const status = (code: number, statusName: string, message: string, details?: unknown[]) => ({ error: { code, message, status: statusName, ...(details ? { details } : {}) } });

  it('retries a 429 after the RetryInfo delay Gemini gives in the body', async () => {
    gemini.handle(
      inTurn(
        (_request, response) => json(response, 429, status(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0.05s' }])),
        (_request, response) => json(response, 200, textResponse('ok')),
      ),
    );
    const started = Date.now();
    const completion = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] });
    expect(completion.choices[0].message.content).toBe('ok');
    expect(gemini.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('retries a 503 and then answers with the OpenAI shape when every attempt fails', async () => {
    gemini.handle((_request, response) => json(response, 503, status(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.')));
    const error = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] }).catch((caught) => caught);
    expect(error).toMatchObject({ status: 502, code: 'unavailable' });
    expect(error.message).toContain('The model is overloaded');
    expect(gemini.requests).toHaveLength(2);
  });

  it('treats an invalid key (a 400 with API_KEY_INVALID) as the gateway\'s own credentials, without leaking it', async () => {
    gemini.handle((_request, response) =>
      json(response, 400, status(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
      ])),
    );
    const error = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] }).catch((caught) => caught);
    expect(error).toMatchObject({ status: 502, code: 'upstream_auth_error' });
    expect(JSON.stringify(error.error)).not.toContain(GEMINI_KEY);
    const [record] = await logs.settle(1);
    expect(record.attempts[0].status_code).toBe(400);
  });

  it('passes a request error through as a 400 with Gemini\'s message, and a missing model as model_not_found', async () => {
    gemini.handle((_request, response) => json(response, 400, status(400, 'INVALID_ARGUMENT', '* GenerateContentRequest.generation_config.temperature: must be in [0, 2]')));
    const invalid = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], temperature: 5 }).catch((caught) => caught);
    expect(invalid).toMatchObject({ status: 400, code: 'invalid_argument' });
    expect(invalid.message).toContain('must be in [0, 2]');
    expect(gemini.requests).toHaveLength(1);

    gemini.handle((_request, response) => json(response, 404, [status(404, 'NOT_FOUND', 'models/gemini-9-ultra is not found for API version v1beta, or is not supported for generateContent.')]));
    const missing = await client.chat.completions.create({ model: 'gemini-9-ultra', messages: [{ role: 'user', content: 'x' }] }).catch((caught) => caught);
    expect(missing).toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it('ends a stream that fails after its first content with an OpenAI-shaped error, never a clean close', async () => {
    // The pause puts the error in a later network chunk than the first text: the answer has started.
    gemini.handle((_request, response) => geminiSse(response, [recordedGeminiEvents()[0], status(500, 'INTERNAL', 'An internal error has occurred.')], { delayMs: 30 }));
    const stream = await client.chat.completions.create({ model: 'gemini-2.0-flash', stream: true, messages: [{ role: 'user', content: 'x' }] });
    const received: string[] = [];
    const failure = await (async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta?.content ?? '');
    })().catch((caught) => caught);
    expect(received.join('')).toBe('The');
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(String(failure.message)).toContain('An internal error has occurred.');
  });
});

describe('fallbacks across providers', () => {
  it('falls back from an OpenAI-compatible upstream to Gemini, streaming with tools', async () => {
    openai.handle((_request, response) => json(response, 500, { error: { message: 'boom', type: 'server_error', param: null, code: null } }));
    gemini.handle((_request, response) =>
      geminiSse(response, [{ candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'get_time', args: { tz: 'UTC' } } }] }, finishReason: 'STOP', index: 0 }], responseId: 'resp-fb', modelVersion: 'gemini-2.5-flash' }]),
    );
    const runner = client.chat.completions.stream({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Time?' }],
      tools: [{ type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string' } } } } }],
      ...gatewayParams({ fallback_models: ['gemini-2.5-flash'] }),
    });
    const completion = await runner.finalChatCompletion();
    expect(completion.choices[0].message.tool_calls).toEqual([{ id: 'call_resp-fb_0', type: 'function', function: { name: 'get_time', arguments: '{"tz":"UTC"}' } }]);
    expect(openai.requests.length).toBeGreaterThanOrEqual(1);
    expect(gemini.requests).toHaveLength(1);
    const [record] = await logs.settle(1);
    expect(record).toMatchObject({ provider: 'google', model: 'gemini-2.5-flash', fallback_used: true });
  });

  it('falls back from Gemini to OpenAI invisibly when Gemini\'s stream opens with an error event', async () => {
    gemini.handle((_request, response) => geminiSse(response, [{ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }]));
    openai.handle((request, response) => sse(response, request.body.stream_options?.include_usage ? TEXT_CHUNKS : TEXT_CHUNKS.filter((chunk) => !chunk.usage)));
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'gemini-2.5-flash', stream: true, messages: [{ role: 'user', content: 'Invent a holiday' }], ...gatewayParams({ fallback_models: ['gpt-4.1-nano'], retry_params: { retry_enabled: false } }) })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe(TEXT_CHUNKS.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join(''));
    expect(response.headers.get('x-modelgate-provider')).toBe('openai');
    expect(response.headers.get('x-modelgate-fallback')).toBe('true');
    const [record] = await logs.settle(1);
    expect(record.attempts.map((attempt) => [attempt.provider, attempt.error_code])).toEqual([['google', 'unavailable'], ['openai', null]]);
  });
});
