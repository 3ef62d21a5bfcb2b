/**
 * Bad input, generated: broken JSON, wrong types in every chat and gateway parameter (from every
 * place a parameter may come from), huge strings, deep nesting, `__proto__`/`constructor` keys,
 * wrong content types, bodies over the limit, bad base64 in the params header, header injection
 * attempts, wrong methods and paths, through every host kind. Every one must get an OpenAI-shaped
 * 4xx that names the problem and exactly one log record; afterwards the process still serves, no
 * prototype was polluted, and the provider key is in no response and no log record.
 *
 * The upstream validates like OpenAI does (strictly, against the OpenAI spec) and, as some vendors
 * do, quotes the credentials it received in its error messages.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/index.js';
import { badCases, BODY_LIMIT, type BadCase } from './bad-input/bad-cases.js';
import { completion } from './helpers/handle.js';
import { HOST_KINDS, startHost, type Host, type HostKind } from './helpers/hosts.js';
import { json, startUpstream, type Upstream } from './helpers/upstream.js';
import { openAIRequestProblem } from './helpers/spec.js';

const PROVIDER_KEY = 'sk-test-BADINPUT-provider-key-7f3a9c2e';
const RAW_HOSTS: HostKind[] = ['node', 'express', 'koa', 'fetch'];

/** The chat parameters the OpenAI spec defines. */
function chatFields(): string[] {
  const spec = JSON.parse(readFileSync(new URL('./specs/openai-openapi.json', import.meta.url), 'utf8'));
  const fields = new Set<string>();
  const collect = (schema: any) => {
    if (!schema) return;
    if (schema.$ref) return collect(spec.components.schemas[schema.$ref.split('/').pop()]);
    schema.allOf?.forEach(collect);
    for (const key of Object.keys(schema.properties ?? {})) fields.add(key);
  };
  collect(spec.components.schemas.CreateChatCompletionRequest);
  return [...fields];
}

const CASES = badCases(chatFields());
let upstream: Upstream;
let gateway: Gateway;
const hosts = new Map<HostKind, Host>();
const records: string[] = [];
const reported: unknown[] = [];
const client = new Agent({ connections: 16 });
const prototypeNames = () =>
  [Object.getOwnPropertyNames(Object.prototype), Object.getOwnPropertyNames(Array.prototype)].map((names) =>
    names.sort().join(),
  );
const prototypesBefore = prototypeNames();

beforeAll(async () => {
  upstream = await startUpstream((received, response) => {
    const kind = received.url.endsWith('/embeddings') ? 'embeddings' : 'chat';
    const problem = openAIRequestProblem(kind, received.body);
    if (!problem) {
      if (kind === 'embeddings')
        return json(response, 200, {
          object: 'list',
          data: [{ object: 'embedding', index: 0, embedding: [0.1] }],
          model: 'm',
          usage: { prompt_tokens: 1, total_tokens: 1 },
        });
      return json(response, 200, completion('hello'));
    }
    // Like a careless vendor: the credentials it got, quoted in the error.
    const message = `${problem.message} (request authorised with ${received.headers.authorization})`;
    json(response, 400, { error: { message, type: 'invalid_request_error', param: problem.param, code: null } });
  });
  gateway = createGateway({
    providers: { openai: { apiKey: PROVIDER_KEY, baseURL: upstream.baseURL } },
    retry: { maxRetries: 0 },
    bodyLimitBytes: BODY_LIMIT,
    onLog: (record) => records.push(JSON.stringify(record)),
    onError: (error) => reported.push(error),
  });
  for (const kind of HOST_KINDS) hosts.set(kind, await startHost(kind, gateway));
});

afterAll(async () => {
  for (const host of hosts.values()) await host.close();
  await gateway.close();
  await upstream.close();
  await client.close();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

async function send(kind: HostKind, testCase: BadCase): Promise<Answer> {
  const text = testCase.json !== undefined ? JSON.stringify(testCase.json) : testCase.body;
  const body = text === undefined ? undefined : testCase.chunked ? Readable.from([Buffer.from(text)]) : text;
  const response = await request(`${hosts.get(kind)!.baseURL}${testCase.path ?? '/chat/completions'}`, {
    dispatcher: client,
    method: (testCase.method ?? 'POST') as 'POST',
    headers: { ...(text !== undefined ? { 'content-type': 'application/json' } : {}), ...testCase.headers },
    body,
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

function problemsWith(testCase: BadCase, answer: Answer): string[] {
  const problems: string[] = [];
  if (answer.status < 400 || answer.status > 499) problems.push(`status ${answer.status}`);
  let error: { message?: unknown; type?: unknown; param?: unknown; code?: unknown } | undefined;
  try {
    error = JSON.parse(answer.text).error;
  } catch {
    return [...problems, `not JSON: ${answer.text.slice(0, 120)}`];
  }
  const shaped =
    typeof error?.message === 'string' &&
    typeof error.type === 'string' &&
    (error.param === null || typeof error.param === 'string') &&
    (error.code === null || typeof error.code === 'string');
  if (!shaped) return [...problems, `not an OpenAI error: ${answer.text.slice(0, 160)}`];
  const said = `${error!.param ?? ''} ${error!.message}`.toLowerCase();
  if (!testCase.names.some((name) => said.includes(name.toLowerCase())))
    problems.push(`does not name ${testCase.names.join(' or ')}: ${answer.text.slice(0, 200)}`);
  if ((error!.message as string).length > 2_000)
    problems.push(`a ${(error!.message as string).length}-character message`);
  if (typeof answer.headers['x-request-id'] !== 'string') problems.push('no x-request-id');
  return problems;
}

describe(`bad input: ${CASES.length} generated malformed requests`, () => {
  it('are at least 500, of every kind', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(500);
  });

  it('each get an OpenAI-shaped 4xx naming the problem and one log record; the provider key leaks nowhere', async () => {
    const answers: Array<{ testCase: BadCase; kind: HostKind; answer?: Answer; failure?: string }> = [];
    let next = 0;
    let turn = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < CASES.length) {
          const testCase = CASES[next++];
          const kinds = testCase.hosts === 'raw' ? RAW_HOSTS : HOST_KINDS;
          const kind = kinds[turn++ % kinds.length];
          try {
            answers.push({ testCase, kind, answer: await send(kind, testCase) });
          } catch (error) {
            answers.push({ testCase, kind, failure: String((error as Error)?.message ?? error) });
          }
        }
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 100)); // log records are emitted after the response

    const failures: string[] = [];
    const ids = new Map<string, number>();
    for (const line of records) {
      const id = JSON.parse(line).id as string;
      ids.set(id, (ids.get(id) ?? 0) + 1);
    }
    for (const { testCase, kind, answer, failure } of answers) {
      const problems = failure ? [`no HTTP answer: ${failure}`] : problemsWith(testCase, answer!);
      const id = answer?.headers['x-request-id'];
      if (typeof id === 'string' && ids.get(id) !== 1) problems.push(`${ids.get(id) ?? 0} log records`);
      for (const problem of problems) failures.push(`${testCase.name} via ${kind}: ${problem}`);
    }
    if (records.length !== CASES.length) failures.push(`${records.length} log records for ${CASES.length} requests`);
    const everything = [...answers.map(({ answer }) => JSON.stringify(answer ?? {})), ...records].join('\n');
    if (everything.includes(PROVIDER_KEY) || everything.includes('BADINPUT-provider'))
      failures.push('the provider key appears in a response or a log record');
    const byStatus: Record<string, number> = {};
    for (const { answer } of answers) if (answer) byStatus[answer.status] = (byStatus[answer.status] ?? 0) + 1;
    console.log(`bad input: ${answers.length} requests, answered ${JSON.stringify(byStatus)}`);
    expect(failures.slice(0, 30), `${failures.length} problems`).toEqual([]);
    expect(reported, 'onError reports (gateway bugs)').toEqual([]);
  });

  it('leave no polluted prototype and a process that still serves every host', async () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(prototypeNames()).toEqual(prototypesBefore);
    for (const kind of HOST_KINDS) {
      const answer = await send(kind, {
        name: 'valid',
        json: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Still there?' }] },
        hosts: 'all',
        names: [],
      });
      expect(answer.status, kind).toBe(200);
      expect(JSON.parse(answer.text).choices[0].message.content).toBe('hello');
    }
  });
});
