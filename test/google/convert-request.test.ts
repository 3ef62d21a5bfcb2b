/**
 * OpenAI chat requests → Gemini generateContent requests, checked field by field against the
 * request reference (https://ai.google.dev/api/generate-content#request-body), and the parameter
 * policy checked against every parameter of the OpenAI spec.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import { GEMINI_PARAM_POLICY } from '../../src/providers/google/param-policy.js';
import { googleProvider } from '../../src/providers/google/index.js';
import type { ProviderCall } from '../../src/providers/types.js';
import openapi from '../specs/openai-openapi.json' with { type: 'json' };

const KEY = 'AIza-test-key-not-real-000000000';
const provider = googleProvider({ id: 'google', apiKey: KEY, baseURL: 'https://gemini.test/v1beta' });

function build(body: Record<string, unknown>, options: { model?: string; stream?: boolean; strict?: boolean } = {}) {
  const model = options.model ?? 'gemini-2.5-flash';
  const call: ProviderCall = {
    operation: 'chat',
    model,
    body: { model, ...body },
    stream: options.stream ?? false,
    strictParams: options.strict ?? false,
  };
  const request = provider.buildRequest(call);
  return { request, body: JSON.parse(request.body!) };
}

function refusal(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (GatewayError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

const user = (content: unknown) => ({ role: 'user', content });

describe('endpoint and authentication', () => {
  it('posts to generateContent or streamGenerateContent?alt=sse with the key in x-goog-api-key only', () => {
    const plain = build({ messages: [user('hi')] }).request;
    expect(plain.url).toBe('https://gemini.test/v1beta/models/gemini-2.5-flash:generateContent');
    expect(plain.headers['x-goog-api-key']).toBe(KEY);
    expect(plain.url).not.toContain(KEY);
    expect(plain.body).not.toContain(KEY);
    expect(build({ messages: [user('hi')] }, { stream: true }).request.url).toBe(
      'https://gemini.test/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    );
  });

  it('refuses a model name that would leave its path segment (it comes from the client) and keeps tuned-model paths', () => {
    // Encoded, `gemini-x%2F..%2F..%2Ffiles` would still reach another path behind a server that decodes `%2F` (test/upstream-paths.e2e.test.ts).
    expect(refusal(() => build({ messages: [user('hi')] }, { model: 'gemini-x/../../files' }))).toMatchObject({
      status: 400,
      code: 'invalid_model_name',
      param: 'model',
    });
    expect(build({ messages: [user('hi')] }, { model: "gemini-x (test)'s" }).request.url).toBe(
      'https://gemini.test/v1beta/models/gemini-x%20%28test%29%27s:generateContent',
    );
    expect(build({ messages: [user('hi')] }, { model: 'tunedModels/my-model-1' }).request.url).toBe(
      'https://gemini.test/v1beta/tunedModels/my-model-1:generateContent',
    );
  });

  it('fails over when no key is configured', () => {
    const keyless = googleProvider({ id: 'google' });
    const error = refusal(() =>
      keyless.buildRequest({
        operation: 'chat',
        model: 'gemini-2.5-flash',
        body: { messages: [user('hi')] },
        stream: false,
        strictParams: false,
      }),
    );
    expect(error).toMatchObject({ status: 502, code: 'provider_not_configured', fallback: true });
  });
});

describe('messages', () => {
  it('puts system and developer messages into systemInstruction and merges consecutive turns', () => {
    const { body } = build({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        user('Bonjour'),
        user([{ type: 'text', text: 'Encore ?' }]),
        { role: 'assistant', content: 'Oui.' },
      ],
    });
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }, { text: 'Answer in French.' }] });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Bonjour' }, { text: 'Encore ?' }] },
      { role: 'model', parts: [{ text: 'Oui.' }] },
    ]);
  });

  it('sends images inline from data URIs and by reference from URLs, audio and files inline', () => {
    const { body } = build({
      messages: [
        user([
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.webp?size=large' } },
          { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } },
        ]),
      ],
    });
    expect(body.contents[0].parts).toEqual([
      { text: 'What is this?' },
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
      { fileData: { mimeType: 'image/webp', fileUri: 'https://example.com/cat.webp?size=large' } },
      { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
      { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
    ]);
  });

  it('refuses media Gemini cannot reach, naming the part', () => {
    expect(
      refusal(() => build({ messages: [user([{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }])] })),
    ).toMatchObject({ status: 400, param: 'messages[0].content[0].image_url.url' });
    expect(refusal(() => build({ messages: [user([{ type: 'file', file: { file_id: 'file-abc' } }])] }))).toMatchObject(
      { status: 400, param: 'messages[0].content[0].file.file_id' },
    );
  });

  it('turns tool calls into functionCall parts and tool results into functionResponse parts, by name', () => {
    const { body } = build({
      messages: [
        user('Weather in Paris and Tokyo?'),
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
              extra_content: { google: { thought_signature: 'c2lnLUE=' } },
            },
            { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
        { role: 'tool', tool_call_id: 'call_2', content: 'cloudy, 18°C' },
      ],
    });
    // https://ai.google.dev/gemini-api/docs/function-calling: results go back as functionResponse parts, in one turn.
    expect(body.contents.slice(1)).toEqual([
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'c2lnLUE=' },
          { functionCall: { name: 'get_weather', args: { city: 'Tokyo' } } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { temp: 21 } } },
          { functionResponse: { name: 'get_weather', response: { output: 'cloudy, 18°C' } } },
        ],
      },
    ]);
  });

  it('puts a message-level signature back on the last text part', () => {
    const { body } = build({
      messages: [
        user('2+2?'),
        { role: 'assistant', content: '4', extra_content: { google: { thought_signature: 'dGV4dC1zaWc=' } } },
        user('and 3+3?'),
      ],
    });
    expect(body.contents[1]).toEqual({ role: 'model', parts: [{ text: '4', thoughtSignature: 'dGV4dC1zaWc=' }] });
  });

  it('marks unsigned function calls for Gemini 3 (history from another model), not for 2.5', () => {
    const messages = [
      user('Weather?'),
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'w', arguments: '{}' } },
          { id: 'call_b', type: 'function', function: { name: 'w', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_a', content: 'sun' },
      { role: 'tool', tool_call_id: 'call_b', content: 'rain' },
    ];
    // https://ai.google.dev/gemini-api/docs/thought-signatures: the documented value that skips validation.
    const three = build({ messages }, { model: 'gemini-3-flash-preview' }).body.contents[1].parts;
    expect(three.map((part: any) => part.thoughtSignature)).toEqual(['skip_thought_signature_validator', undefined]);
    const twoFive = build({ messages }).body.contents[1].parts;
    expect(twoFive.map((part: any) => part.thoughtSignature)).toEqual([undefined, undefined]);
  });

  it('answers 400 for arguments that are not a JSON object and for a tool result without its call', () => {
    const call = (args: string) => ({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: args } }],
    });
    expect(refusal(() => build({ messages: [user('x'), call('{"a":')] }))).toMatchObject({
      status: 400,
      param: 'messages[1].tool_calls[0].function.arguments',
    });
    expect(refusal(() => build({ messages: [user('x'), call('[1,2]')] }))).toMatchObject({
      status: 400,
      param: 'messages[1].tool_calls[0].function.arguments',
    });
    expect(
      refusal(() => build({ messages: [user('x'), { role: 'tool', tool_call_id: 'nope', content: 'r' }] })),
    ).toMatchObject({ status: 400, param: 'messages[1].tool_call_id' });
  });
});

describe('tools, tool choice and structured output', () => {
  const weather = {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Weather now',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' } },
        required: ['city'],
        additionalProperties: false,
      },
    },
  };
  const clock = { type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {} } } };

  it('declares functions with sanitised parameters, and none for a function without any', () => {
    const { body } = build({ messages: [user('hi')], tools: [weather, clock] });
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: 'get_weather',
            description: 'Weather now',
            parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] },
          },
          { name: 'now' },
        ],
      },
    ]);
  });

  it('maps every tool_choice form to functionCallingConfig', () => {
    const config = (tool_choice: unknown) =>
      build({ messages: [user('hi')], tools: [weather, clock], tool_choice }).body.toolConfig?.functionCallingConfig;
    expect(config('none')).toEqual({ mode: 'NONE' });
    expect(config('auto')).toEqual({ mode: 'AUTO' });
    expect(config('required')).toEqual({ mode: 'ANY' });
    expect(config({ type: 'function', function: { name: 'now' } })).toEqual({
      mode: 'ANY',
      allowedFunctionNames: ['now'],
    });
    expect(
      config({
        type: 'allowed_tools',
        allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'now' } }] },
      }),
    ).toEqual({ mode: 'ANY', allowedFunctionNames: ['now'] });
    expect(
      config({
        type: 'allowed_tools',
        allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'now' } }] },
      }),
    ).toEqual({ mode: 'VALIDATED', allowedFunctionNames: ['now'] });
  });

  it('reports schema keywords it had to drop, per tool', () => {
    const tool = {
      type: 'function',
      function: {
        name: 'tag',
        parameters: {
          type: 'object',
          properties: { tags: { type: 'array', items: { type: 'string' }, uniqueItems: true } },
        },
      },
    };
    const { request } = build({ messages: [user('hi')], tools: [tool] });
    expect(request.droppedParams).toEqual(['tools[0].function.parameters:uniqueItems']);
    expect(refusal(() => build({ messages: [user('hi')], tools: [tool] }, { strict: true }))).toMatchObject({
      status: 400,
      param: 'tools[0].function.parameters:uniqueItems',
      code: 'unsupported_parameter',
    });
  });

  it('maps response_format to responseMimeType and responseSchema', () => {
    const schema = {
      type: 'object',
      properties: { answer: { type: 'string' } },
      required: ['answer'],
      additionalProperties: false,
    };
    expect(
      build({
        messages: [user('hi')],
        response_format: { type: 'json_schema', json_schema: { name: 'a', strict: true, schema } },
      }).body.generationConfig,
    ).toEqual({
      responseMimeType: 'application/json',
      responseSchema: { type: 'OBJECT', properties: { answer: { type: 'STRING' } }, required: ['answer'] },
    });
    expect(build({ messages: [user('hi')], response_format: { type: 'json_object' } }).body.generationConfig).toEqual({
      responseMimeType: 'application/json',
    });
    expect(build({ messages: [user('hi')], response_format: { type: 'text' } }).body.generationConfig).toBeUndefined();
  });
});

describe('generation parameters', () => {
  it('maps sampling, length, stop, seed, n, penalties and logprobs without clamping', () => {
    const { body, request } = build({
      messages: [user('hi')],
      temperature: 2,
      top_p: 0.9,
      max_completion_tokens: 500,
      max_tokens: 100,
      stop: 'END',
      seed: 7,
      n: 2,
      presence_penalty: 0.5,
      frequency_penalty: 0,
      logprobs: true,
      top_logprobs: 3,
      top_k: 40,
      parallel_tool_calls: true,
      stream_options: null,
      user: null,
    });
    expect(body.generationConfig).toEqual({
      temperature: 2,
      topP: 0.9,
      topK: 40,
      maxOutputTokens: 500,
      candidateCount: 2,
      seed: 7,
      presencePenalty: 0.5,
      stopSequences: ['END'],
      responseLogprobs: true,
      logprobs: 3,
    });
    expect(request.droppedParams).toBeUndefined();
  });

  it('maps reasoning_effort per model family and drops what a family cannot say', () => {
    const thinking = (model: string, reasoning_effort: string) => {
      const { body, request } = build({ messages: [user('hi')], reasoning_effort }, { model });
      return [body.generationConfig?.thinkingConfig, request.droppedParams];
    };
    expect(thinking('gemini-3-pro-preview', 'low')).toEqual([
      { thinkingLevel: 'LOW', includeThoughts: true },
      undefined,
    ]);
    expect(thinking('gemini-3-flash-preview', 'minimal')).toEqual([
      { thinkingLevel: 'MINIMAL', includeThoughts: true },
      undefined,
    ]);
    expect(thinking('gemini-3-pro-preview', 'none')).toEqual([undefined, ['reasoning_effort']]);
    expect(thinking('gemini-2.5-flash', 'medium')).toEqual([
      { thinkingBudget: 8192, includeThoughts: true },
      undefined,
    ]);
    expect(thinking('gemini-2.5-flash', 'none')).toEqual([{ thinkingBudget: 0 }, undefined]);
    expect(thinking('gemini-2.5-pro', 'xhigh')).toEqual([undefined, ['reasoning_effort']]);
    expect(thinking('gemini-2.0-flash', 'high')).toEqual([undefined, ['reasoning_effort']]);
    const anthropicStyle = build({ messages: [user('hi')], thinking: { type: 'enabled', budget_tokens: 2048 } }).body
      .generationConfig;
    expect(anthropicStyle).toEqual({ thinkingConfig: { thinkingBudget: 2048, includeThoughts: true } });
    const adaptive = (model: string) =>
      build({ messages: [user('hi')], thinking: { type: 'adaptive' } }, { model }).body.generationConfig;
    expect(adaptive('gemini-2.5-pro')).toEqual({ thinkingConfig: { thinkingBudget: -1, includeThoughts: true } });
    expect(adaptive('gemini-3-pro-preview')).toEqual({ thinkingConfig: { includeThoughts: true } });
  });
});

describe('the parameter policy', () => {
  const specParameters = (() => {
    const schemas = (openapi as any).components.schemas;
    const names = new Set<string>();
    const walk = (schema: any) => {
      if (!schema) return;
      if (schema.$ref) return walk(schemas[schema.$ref.split('/').pop()]);
      for (const name of Object.keys(schema.properties ?? {})) names.add(name);
      for (const member of schema.allOf ?? []) walk(member);
    };
    walk(schemas.CreateChatCompletionRequest);
    return [...names].sort();
  })();

  it('has a rule for every chat parameter of the OpenAI spec', () => {
    expect(specParameters.length).toBeGreaterThan(30);
    expect(specParameters.filter((name) => !Object.hasOwn(GEMINI_PARAM_POLICY, name))).toEqual([]);
  });

  const examples: Record<string, unknown> = {
    user: 'u-1',
    safety_identifier: 's',
    metadata: { a: 'b' },
    store: true,
    service_tier: 'flex',
    prompt_cache_key: 'k',
    prompt_cache_retention: '24h',
    prompt_cache_options: {},
    verbosity: 'low',
    logit_bias: { '50256': -100 },
    prediction: { type: 'content', content: 'x' },
    web_search_options: {},
    moderation: {},
    audio: { voice: 'alloy', format: 'mp3' },
  };

  it('drops and reports each "dropped" parameter, and refuses it under strictParams', () => {
    const dropped = Object.entries(GEMINI_PARAM_POLICY)
      .filter(([, rule]) => rule.handling === 'dropped')
      .map(([name]) => name);
    expect(dropped.sort()).toEqual(Object.keys(examples).sort());
    const plain = build({ messages: [user('hi')] }).body;
    for (const name of dropped) {
      const { request, body } = build({ messages: [user('hi')], [name]: examples[name] });
      expect(request.droppedParams).toEqual([name]);
      expect(body).toEqual(plain);
      expect(refusal(() => build({ messages: [user('hi')], [name]: examples[name] }, { strict: true }))).toMatchObject({
        status: 400,
        param: name,
        code: 'unsupported_parameter',
      });
    }
  });

  it('always refuses the deprecated functions API, and treats unknown parameters as dropped', () => {
    expect(refusal(() => build({ messages: [user('hi')], functions: [{ name: 'f' }] }))).toMatchObject({
      status: 400,
      param: 'functions',
    });
    expect(refusal(() => build({ messages: [user('hi')], function_call: 'auto' }))).toMatchObject({
      status: 400,
      param: 'function_call',
    });
    expect(build({ messages: [user('hi')], foo_bar: 1 }).request.droppedParams).toEqual(['foo_bar']);
    expect(build({ messages: [user('hi')], parallel_tool_calls: false }).request.droppedParams).toEqual([
      'parallel_tool_calls',
    ]);
    expect(refusal(() => build({ messages: [user('hi')], foo_bar: 1 }, { strict: true }))).toMatchObject({
      status: 400,
      param: 'foo_bar',
    });
    // Asking for what Gemini does anyway is not a loss.
    expect(
      build(
        {
          messages: [user('hi')],
          store: false,
          logprobs: false,
          modalities: ['text'],
          parallel_tool_calls: true,
          presence_penalty: 0,
          n: 1,
        },
        { strict: true },
      ).request.droppedParams,
    ).toBeUndefined();
  });

  it('refuses tools of another type than function, and tool choices that name none', () => {
    const custom = { type: 'custom', custom: { name: 'grammar' } };
    expect(refusal(() => build({ messages: [user('hi')], tools: [custom] }))).toMatchObject({
      status: 400,
      param: 'tools[0].type',
      code: 'unsupported_parameter',
    });
    const weather = { type: 'function', function: { name: 'w' } };
    expect(
      refusal(() =>
        build({
          messages: [user('hi')],
          tools: [weather],
          tool_choice: { type: 'custom', custom: { name: 'grammar' } },
        }),
      ),
    ).toMatchObject({ status: 400, param: 'tool_choice' });
  });

  it('is documented: docs/google-gemini.md names every parameter of the table', () => {
    const section = readFileSync(new URL('../../docs/google-gemini.md', import.meta.url), 'utf8');
    expect(section.length).toBeGreaterThan(1000);
    expect(Object.keys(GEMINI_PARAM_POLICY).filter((name) => !section.includes(`\`${name}\``))).toEqual([]);
  });
});
