/**
 * Names from a request (or an upstream's answer) are looked up in the gateway's tables as own
 * properties only: `constructor`, `toString` or `__proto__` as a schema type, a property name, a file
 * extension, an audio format or a finish reason are plain unknown names, never `Object.prototype`'s
 * members. Through a real host against loopback upstreams that record what they receive.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/index.js';
import { geminiFrame } from './helpers/gemini.js';
import { startHost, type Host } from './helpers/hosts.js';
import { json, startUpstream, type Upstream } from './helpers/upstream.js';

const PROTOTYPE_NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'];

let gemini: Upstream;
let bedrock: Upstream;
let gateway: Gateway;
let host: Host;
let finishReason = 'STOP';

const geminiAnswer = () => ({
  candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason, index: 0 }],
  usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 },
  modelVersion: 'gemini-2.5-flash',
});

beforeAll(async () => {
  gemini = await startUpstream((request, response) => {
    if (request.url.includes('streamGenerateContent')) {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(geminiFrame(geminiAnswer()));
      return;
    }
    json(response, 200, geminiAnswer());
  });
  bedrock = await startUpstream((_request, response) =>
    json(response, 200, {
      output: { message: { role: 'assistant', content: [{ text: 'ok' }] } },
      stopReason: 'end_turn',
      usage: { inputTokens: 3, outputTokens: 1, totalTokens: 4 },
    }),
  );
  gateway = createGateway({
    providers: {
      google: { apiKey: 'operator-google-key-0001', baseURL: `${gemini.origin}/v1beta` },
      aws: { kind: 'bedrock', region: 'us-east-1', baseURL: bedrock.origin, apiKey: 'operator-bedrock-key-0002' },
    },
    retry: { maxRetries: 0 },
    health: false,
  });
  host = await startHost('express', gateway);
});

afterAll(async () => {
  await host.close();
  await gateway.close();
  await gemini.close();
  await bedrock.close();
});

afterEach(() => {
  gemini.reset();
  bedrock.reset();
  finishReason = 'STOP';
});

async function chat(body: Record<string, unknown>) {
  const response = await fetch(`${host.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    text,
    body: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined,
  };
}

const user = (content: unknown) => ({ role: 'user', content });

describe('Gemini tool schemas', () => {
  it('treats a prototype name as a schema type as unknown (dropped and reported), not as a Gemini type', async () => {
    for (const type of PROTOTYPE_NAMES) {
      const parameters = { type: 'object', properties: { value: { type } } };
      const answer = await chat({
        model: 'google/gemini-2.5-flash',
        messages: [user('hi')],
        tools: [{ type: 'function', function: { name: 'f', parameters } }],
      });
      expect(answer.status).toBe(200);
      const sent = gemini.requests.at(-1)!.body.tools[0].functionDeclarations[0].parameters;
      expect(sent).toEqual({ type: 'OBJECT', properties: { value: {} } });
      expect(answer.headers['x-modelgate-dropped-params']).toContain(':type');
    }
  });

  it('merges `allOf` members that name a property like a prototype member as plain properties', async () => {
    // JSON.parse makes `__proto__` an own property: one more plain name (the body is sent as text).
    const parameters = JSON.parse(`{"allOf": [
      { "type": "object", "properties": { "constructor": { "type": "string", "description": "who made it" }, "toString": { "type": "integer" } } },
      { "properties": { "valueOf": { "type": "boolean" }, "__proto__": { "type": "number" } }, "required": ["constructor"] }
    ]}`);
    const answer = await chat({
      model: 'google/gemini-2.5-flash',
      messages: [user('hi')],
      tools: [{ type: 'function', function: { name: 'f', parameters } }],
    });
    expect(answer.status).toBe(200);
    const sent = gemini.requests.at(-1)!.body.tools[0].functionDeclarations[0].parameters;
    expect(sent.properties).toEqual(
      JSON.parse(
        '{"constructor":{"type":"STRING","description":"who made it"},"toString":{"type":"INTEGER"},"valueOf":{"type":"BOOLEAN"},"__proto__":{"type":"NUMBER"}}',
      ),
    );
    expect(Object.keys(sent.properties)).toEqual(['constructor', 'toString', 'valueOf', '__proto__']);
    expect(sent.required).toEqual(['constructor']);
  });
});

describe('Gemini media', () => {
  it('gives an audio format or a file extension named like a prototype member its plain MIME type', async () => {
    for (const name of PROTOTYPE_NAMES) {
      const content = [
        { type: 'input_audio', input_audio: { data: 'UklGRg==', format: name } },
        { type: 'image_url', image_url: { url: `https://example.test/picture.${name}` } },
      ];
      expect((await chat({ model: 'google/gemini-2.5-flash', messages: [user(content)] })).status).toBe(200);
      const parts = gemini.requests.at(-1)!.body.contents[0].parts;
      expect(parts).toEqual([
        { inlineData: { mimeType: `audio/${name}`, data: 'UklGRg==' } },
        { fileData: { mimeType: 'image/jpeg', fileUri: `https://example.test/picture.${name}` } },
      ]);
    }
  });
});

describe("an upstream's names", () => {
  it('maps a Gemini finish reason named like a prototype member to `stop`, streaming and not', async () => {
    for (const reason of PROTOTYPE_NAMES) {
      finishReason = reason;
      const plain = await chat({ model: 'google/gemini-2.5-flash', messages: [user('hi')] });
      expect(plain.body.choices[0].finish_reason).toBe('stop');
      const streamed = await chat({ model: 'google/gemini-2.5-flash', messages: [user('hi')], stream: true });
      expect(streamed.text).toContain('"finish_reason":"stop"');
    }
  });
});

describe('Bedrock media', () => {
  it('refuses an s3:// image whose extension is a prototype name, before any upstream call', async () => {
    for (const name of PROTOTYPE_NAMES) {
      const content = [{ type: 'image_url', image_url: { url: `s3://bucket/picture.${name}` } }];
      const answer = await chat({ model: 'aws/anthropic.claude-3-haiku-20240307-v1:0', messages: [user(content)] });
      expect({ name, status: answer.status, code: answer.body?.error?.code }).toEqual({
        name,
        status: 400,
        code: 'unsupported_image_format',
      });
    }
    expect(bedrock.requests).toEqual([]);
  });
});
