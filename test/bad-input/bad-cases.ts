/**
 * The generated malformed requests of the bad-input suite: each says what it sends, which hosts it
 * goes through, and which names the 4xx answer must contain (in `error.param` or `error.message`).
 */
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { openAIRequestProblem } from '../helpers/spec.js';

export interface BadCase {
  name: string;
  /** Raw body bytes or text (sent as is), or a value to send as JSON. */
  body?: string | Buffer;
  json?: unknown;
  headers?: Record<string, string>;
  method?: string;
  path?: string;
  /** Send the body without content-length (chunked). */
  chunked?: boolean;
  /**
   * `all`: every host, also those where the host's own body parser ran first; `raw`: only hosts
   * where modelgate reads the body (a host's parser answers broken JSON or a big body itself).
   */
  hosts: 'all' | 'raw';
  /** The answer must name one of these (case-insensitive). */
  names: string[];
}

export const BODY_LIMIT = 64 * 1024;
const VALID = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello.' }] };
const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64');
const deep = (depth: number, leaf = '1') => `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;
/** A valid body with `field: <raw JSON>` spliced in (for values JSON.stringify cannot make). */
const withRaw = (field: string, raw: string) =>
  `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello."}],"${field}":${raw}}`;

function invalidJson(): BadCase[] {
  const texts = [
    '',
    ' ',
    '{',
    '}',
    '{"model":',
    '{"model":"gpt-4o-mini",',
    JSON.stringify(VALID).slice(0, -1),
    '{model:"gpt-4o-mini"}',
    "{'model':'gpt-4o-mini'}",
    '{"model":"gpt-4o-mini",}',
    '{"a":1}{"b":2}',
    `${JSON.stringify(VALID)} trailing`,
    'null',
    '[]',
    `[${JSON.stringify(VALID)}]`,
    '"a string"',
    '123',
    'true',
    'NaN',
    '{"temperature":NaN}',
    '{"temperature":Infinity}',
    '{"model":"gpt\u0000"}',
    `\uFEFF${JSON.stringify(VALID)}`,
    '{"model":"x","messages":[}',
    '{"model":"x","messages":"\\u12"}',
    '// comment\n{}',
    '/* c */{}',
    `{"a":${'['.repeat(5_000)}`,
    '{"stream":tru}',
    '{"model":"gpt-4o-mini"' + ' '.repeat(2_000),
    'x'.repeat(10_000),
  ];
  const cases: BadCase[] = texts.map((text, i) => ({
    name: `invalid JSON #${i}`,
    body: text,
    hosts: 'raw',
    names: ['JSON', 'body'],
  }));
  cases.push({
    name: 'invalid UTF-8',
    body: Buffer.from([0xff, 0xfe, 0x7b, 0x22, 0xc3]),
    hosts: 'raw',
    names: ['JSON'],
  });
  return cases;
}

/**
 * Every chat parameter of the OpenAI spec with values of the wrong type, kept when the spec refuses
 * them. `metadata` is left to the gateway-parameter cases: the gateway reads it (Keywords AI's
 * metadata) and does not forward it.
 */
function wrongTypes(allFields: readonly string[]): BadCase[] {
  const fields = allFields.filter((field) => !(field in GATEWAY_PARAM_VALUES));
  const values: unknown[] = [
    'a string',
    12345,
    -1,
    2.5,
    true,
    false,
    [],
    [1, 2],
    ['a', 5],
    {},
    { x: 1 },
    'x'.repeat(5_000),
  ];
  const cases: BadCase[] = [];
  for (const field of fields) {
    for (const value of values) {
      const body = { ...VALID, [field]: value };
      if (!openAIRequestProblem('chat', body)) continue;
      cases.push({
        name: `${field} = ${JSON.stringify(value).slice(0, 30)}`,
        json: body,
        hosts: 'all',
        names: [field],
      });
    }
  }
  const messages: unknown[] = [
    'hi',
    5,
    null,
    {},
    [],
    [1],
    ['hi'],
    [null],
    [[]],
    [{}],
    [{ role: 5 }],
    [{ role: 'wizard', content: 'x' }],
    [{ role: 'user' }],
    [{ role: 'user', content: 5 }],
    [{ role: 'user', content: [{ type: 'bogus' }] }],
    [{ role: 'tool', content: 'x' }],
    [{ role: 'assistant', tool_calls: 'x' }],
  ];
  for (const value of messages) {
    const body = { ...VALID, messages: value };
    cases.push({ name: `messages = ${JSON.stringify(value)}`, json: body, hosts: 'all', names: ['messages'] });
  }
  for (const value of [undefined, 5, '', '   ', null, [], {}]) {
    cases.push({
      name: `model = ${JSON.stringify(value)}`,
      json: { ...VALID, model: value },
      hosts: 'all',
      names: ['model'],
    });
  }
  for (const value of [5, null, {}, [], true]) {
    cases.push({
      name: `embeddings input = ${JSON.stringify(value)}`,
      json: { model: 'text-embedding-3-small', input: value },
      path: '/embeddings',
      hosts: 'all',
      names: ['input'],
    });
  }
  return cases;
}

const GATEWAY_PARAM_VALUES: Record<string, unknown[]> = {
  customer_identifier: [5, true, {}, [], 'x'.repeat(121), 'user-1\r\nX-Injected: yes', 'a\u0000b', '\u001b[31mred'],
  custom_identifier: [5, false, { a: 1 }, ['a'], 'y'.repeat(500), 'id\nSet-Cookie: a=b'],
  thread_identifier: [7, true, {}, 'z'.repeat(121), 'thread\r\n'],
  group_identifier: [8, [], {}, 'g'.repeat(121), 'group\u0007'],
  metadata: [
    'x',
    5,
    [],
    true,
    [{ a: 1 }],
    { ['k'.repeat(129)]: 1 },
    Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i])),
    { 'a\r\nX-Injected': 1 },
    { note: 'x\r\nSet-Cookie: a=b' },
    { ['__proto__']: { polluted: 'yes' } },
    { a: { ['__proto__']: { polluted: 'yes' } } },
  ],
  fallback_models: [
    'gpt-4o',
    5,
    {},
    [5],
    [''],
    [[]],
    Array.from({ length: 17 }, () => 'gpt-4o-mini'),
    ['gpt-4o\r\nX-Injected: yes'],
    ['nobody/unknown-model'],
  ],
  models: ['gpt-4o', [7], [''], ['x\u0000y']],
  retry_params: [
    'x',
    5,
    [],
    true,
    { retry_enabled: 'yes' },
    { num_retries: -1 },
    { num_retries: 1.5 },
    { num_retries: 11 },
    { retry_after: 61 },
    { retry_after: '1' },
    { unknown: 1 },
  ],
  disable_log: ['yes', 1, {}, []],
  request_breakdown: ['yes', 0, [true]],
  deadline_ms: [0, -5, 1.5, 'soon', 3_600_001, {}, [1000]],
};

/** Every gateway parameter with bad values, from every place a client may put it. */
function gatewayParams(): BadCase[] {
  const cases: BadCase[] = [];
  for (const [param, values] of Object.entries(GATEWAY_PARAM_VALUES)) {
    values.forEach((value, i) => {
      const names = [param];
      const label = `${param} #${i}`;
      cases.push({ name: `${label} top level`, json: { ...VALID, [param]: value }, hosts: 'all', names });
      cases.push({
        name: `${label} in extra_body`,
        json: { ...VALID, extra_body: { [param]: value } },
        hosts: 'all',
        names,
      });
      cases.push({
        name: `${label} in modelgate_params`,
        json: { ...VALID, modelgate_params: { [param]: value } },
        hosts: 'all',
        names,
      });
      cases.push({
        name: `${label} in keywordsai_params`,
        json: { ...VALID, keywordsai_params: { [param]: value } },
        hosts: 'all',
        names,
      });
      cases.push({
        name: `${label} in X-Modelgate-Params (base64)`,
        json: VALID,
        headers: { 'x-modelgate-params': b64({ [param]: value }) },
        hosts: 'all',
        names,
      });
      cases.push({
        name: `${label} in X-Data-Keywordsai-Params (base64)`,
        json: VALID,
        headers: { 'x-data-keywordsai-params': b64({ [param]: value }) },
        hosts: 'all',
        names,
      });
    });
  }
  for (const nested of ['extra_body', 'modelgate_params', 'keywordsai_params']) {
    for (const value of ['x', 5, [], true])
      cases.push({
        name: `${nested} = ${JSON.stringify(value)}`,
        json: { ...VALID, [nested]: value },
        hosts: 'all',
        names: [nested],
      });
  }
  cases.push({
    name: 'unknown key in modelgate_params',
    json: { ...VALID, modelgate_params: { customer_id: 'x' } },
    hosts: 'all',
    names: ['customer_id'],
  });
  return cases;
}

function badParamsHeaders(): BadCase[] {
  const values = [
    '%%%',
    'eyJ',
    b64('null'),
    b64('[1,2]'),
    b64('"str"'),
    b64('42'),
    'not base64 at all!',
    '====',
    b64({ customer_identifier: 5 }),
    b64({ unknown_param: 1 }),
    Buffer.from([0xff, 0xfe, 0xfd]).toString('base64'),
    '{bad json',
    '{"metadata":"x"}',
    b64('{"a":'),
    `{"metadata":${deep(5_000, '{}')}}`,
  ];
  const cases: BadCase[] = [];
  for (const header of ['x-modelgate-params', 'x-data-keywordsai-params']) {
    values.forEach((value, i) => {
      const names = [header, 'customer_identifier', 'unknown_param', 'metadata'];
      cases.push({ name: `${header} #${i}`, json: VALID, headers: { [header]: value }, hosts: 'all', names });
    });
  }
  return cases;
}

function hugeAndDeep(): BadCase[] {
  const huge = 'x'.repeat(50_000);
  return [
    { name: 'huge model name', json: { ...VALID, model: huge }, hosts: 'all', names: ['model'] },
    { name: 'huge provider/model name', json: { ...VALID, model: `openai/${huge}` }, hosts: 'all', names: ['model'] },
    { name: 'huge unknown key', json: { ...VALID, [`k${huge}`]: 1 }, hosts: 'all', names: ['kxxxxxxxxxx'] },
    {
      name: 'huge identifier',
      json: { ...VALID, customer_identifier: huge },
      hosts: 'all',
      names: ['customer_identifier'],
    },
    {
      name: 'huge fallback name',
      json: { ...VALID, fallback_models: [`nobody/${huge}`] },
      hosts: 'all',
      names: ['fallback_models'],
    },
    { name: 'huge metadata key', json: { ...VALID, metadata: { [huge]: 1 } }, hosts: 'all', names: ['metadata'] },
    ...['temperature', 'metadata', 'tools', 'stop', 'response_format', 'modelgate_params'].map((field): BadCase => ({
      name: `${field} nested 20,000 deep`,
      body: withRaw(field, deep(20_000)),
      hosts: 'all',
      names: [field],
    })),
    {
      name: 'message content nested 20,000 deep',
      body: `{"model":"gpt-4o-mini","messages":[{"role":"user","content":${deep(20_000, '"x"')}}]}`,
      hosts: 'all',
      names: ['messages'],
    },
    {
      name: 'objects nested 5,000 deep',
      body: withRaw('metadata', `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`),
      hosts: 'all',
      names: ['metadata'],
    },
  ];
}

function prototypeKeys(): BadCase[] {
  const valid = JSON.stringify(VALID).slice(1, -1);
  return [
    {
      name: '__proto__ at the top',
      body: `{"__proto__":{"polluted":"yes"},${valid}}`,
      hosts: 'all',
      names: ['__proto__'],
    },
    {
      name: 'constructor.prototype at the top',
      body: `{"constructor":{"prototype":{"polluted":"yes"}},${valid}}`,
      hosts: 'all',
      names: ['constructor'],
    },
    {
      name: 'prototype at the top',
      body: `{"prototype":{"polluted":"yes"},${valid}}`,
      hosts: 'all',
      names: ['prototype'],
    },
    {
      name: '__proto__ in extra_body',
      body: `{"extra_body":{"__proto__":{"polluted":"yes"}},${valid}}`,
      hosts: 'all',
      names: ['__proto__', 'extra_body'],
    },
    {
      name: '__proto__ in modelgate_params',
      body: `{"modelgate_params":{"__proto__":{"polluted":"yes"}},${valid}}`,
      hosts: 'all',
      names: ['__proto__'],
    },
    {
      name: '__proto__ in metadata',
      body: `{"metadata":{"__proto__":{"polluted":"yes"}},${valid}}`,
      hosts: 'all',
      names: ['__proto__', 'metadata'],
    },
    {
      name: '__proto__ in retry_params',
      body: `{"retry_params":{"__proto__":{"num_retries":1}},${valid}}`,
      hosts: 'all',
      names: ['retry_params'],
    },
    {
      name: '__proto__ in the params header',
      json: VALID,
      headers: { 'x-modelgate-params': '{"__proto__":{"polluted":"yes"}}' },
      hosts: 'all',
      names: ['__proto__'],
    },
    {
      name: 'constructor in the params header',
      json: VALID,
      headers: { 'x-modelgate-params': '{"constructor":{"prototype":{"polluted":"yes"}}}' },
      hosts: 'all',
      names: ['constructor'],
    },
  ];
}

function transport(): BadCase[] {
  const text = JSON.stringify(VALID);
  const cases: BadCase[] = [
    'text/plain',
    'text/html',
    'application/xml',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/jsonp',
    'image/png',
    'application/octet-stream',
  ].map((type): BadCase => ({
    name: `content-type ${type}`,
    body: text,
    headers: { 'content-type': type },
    hosts: 'raw',
    names: ['Content-Type'],
  }));
  const big = JSON.stringify({ ...VALID, messages: [{ role: 'user', content: 'x'.repeat(BODY_LIMIT) }] });
  cases.push(
    { name: 'body over the limit', body: big, hosts: 'raw', names: ['limit', 'bytes'] },
    { name: 'body over the limit, chunked', body: big, chunked: true, hosts: 'raw', names: ['limit', 'bytes'] },
    { name: 'body of 1 MiB', body: 'x'.repeat(1024 * 1024), hosts: 'raw', names: ['limit', 'bytes'] },
    { name: 'GET on chat completions', method: 'GET', hosts: 'all', names: ['POST'] },
    { name: 'PUT on chat completions', method: 'PUT', json: VALID, hosts: 'all', names: ['POST'] },
    {
      name: 'a path that does not exist',
      path: '/chat/completion',
      json: VALID,
      hosts: 'all',
      names: ['/chat/completion'],
    },
    { name: 'POST on models', path: '/models', json: VALID, hosts: 'all', names: ['GET'] },
    ...['compress', 'zstd', 'gzip, br', 'x-unknown'].map((encoding): BadCase => ({
      name: `content-encoding ${encoding}`,
      body: text,
      headers: { 'content-encoding': encoding },
      hosts: 'raw',
      names: [encoding],
    })),
    {
      name: 'a gzip body that is not gzip',
      body: text,
      headers: { 'content-encoding': 'gzip' },
      hosts: 'raw',
      names: ['decompressed'],
    },
    {
      name: 'a truncated gzip body',
      body: gzipSync(text).subarray(0, 20),
      headers: { 'content-encoding': 'gzip' },
      hosts: 'raw',
      names: ['decompressed'],
    },
    {
      name: 'a gzip bomb',
      body: gzipSync(big.repeat(4)),
      headers: { 'content-encoding': 'gzip' },
      hosts: 'raw',
      names: ['limit', 'bytes'],
    },
    {
      name: 'a brotli bomb, chunked',
      body: brotliCompressSync(big.repeat(4)),
      chunked: true,
      headers: { 'content-encoding': 'br' },
      hosts: 'raw',
      names: ['limit', 'bytes'],
    },
    ...['iso-8859-1', 'utf-16le', 'windows-1252'].map((charset): BadCase => ({
      name: `charset ${charset}`,
      body: text,
      headers: { 'content-type': `application/json; charset=${charset}` },
      hosts: 'raw',
      names: [charset],
    })),
  );
  return cases;
}

export function badCases(chatFields: readonly string[]): BadCase[] {
  const cases = [
    ...invalidJson(),
    ...wrongTypes(chatFields),
    ...gatewayParams(),
    ...badParamsHeaders(),
    ...hugeAndDeep(),
    ...prototypeKeys(),
    ...transport(),
  ];
  // A body with a __proto__ key is refused by @koa/bodyparser itself (plain-text 400) before the
  // gateway runs: such bodies go through the hosts where modelgate reads the body.
  for (const testCase of cases) {
    const text = testCase.json !== undefined ? JSON.stringify(testCase.json) : String(testCase.body ?? '');
    if (text.includes('"__proto__"')) testCase.hosts = 'raw';
  }
  return cases;
}
