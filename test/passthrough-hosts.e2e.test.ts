/**
 * The pass-through on every host (docs/passthrough.md): a multipart upload reaches the upstream
 * intact and a binary download comes back intact whichever adapter serves the gateway, with or
 * without a JSON body parser in front; and what `createGateway` accepts as `passthrough`.
 */
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/index.js';
import { HOST_KINDS, startHost, type Host } from './helpers/hosts.js';
import { logCollector } from './helpers/logs.js';
import { json, startUpstream, type Upstream } from './helpers/upstream.js';

const KEY = 'sk-test-passthrough-hosts';
const FILE = Buffer.from('{"custom_id":"1"}\n'.repeat(5000));
const DOWNLOAD = Buffer.from(Array.from({ length: 200_000 }, (_, index) => (index * 13) % 256));

let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream((request, response) => {
    if (request.method === 'GET') {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(DOWNLOAD);
    } else json(response, 200, { id: 'file-1', object: 'file', received: request.rawBody.length });
  });
});
afterAll(() => upstream.close());

describe.each(HOST_KINDS)('pass-through on %s', (kind) => {
  const logs = logCollector();
  let gateway: Gateway;
  let host: Host;
  let client: OpenAI;
  beforeAll(async () => {
    gateway = createGateway({
      providers: { openai: { apiKey: KEY, baseURL: upstream.baseURL } },
      passthrough: { provider: 'openai' },
      onLog: logs.sink,
    });
    host = await startHost(kind, gateway);
    client = new OpenAI({ baseURL: host.baseURL, apiKey: 'client-key', maxRetries: 0 });
  });
  afterAll(async () => {
    await host.close();
    await gateway.close();
  });

  it('streams an upload and a download intact, with the OpenAI-Beta header and the provider key', async () => {
    upstream.reset();
    const created = await client.files.create(
      { file: await toFile(FILE, 'batch.jsonl'), purpose: 'batch' },
      { headers: { 'OpenAI-Beta': 'assistants=v2' } },
    );
    expect(created.id).toBe('file-1');
    const [received] = upstream.requests;
    expect(received.rawBody).toContain(FILE.toString());
    expect(received.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(received.headers['openai-beta']).toBe('assistants=v2');
    const content = await client.files.content('file-1');
    expect(Buffer.from(await content.arrayBuffer()).equals(DOWNLOAD)).toBe(true);
    const records = await logs.settle(2);
    expect(records.map((record) => [record.endpoint, record.status_code])).toEqual([
      ['passthrough', 200],
      ['passthrough', 200],
    ]);
    expect(records[1].bytes_out).toBe(DOWNLOAD.byteLength);
  });
});

describe('the passthrough option', () => {
  it('must name a configured provider that speaks OpenAI at its usual paths', () => {
    expect(() => createGateway({ providers: { openai: { apiKey: KEY } }, passthrough: { provider: 'nope' } })).toThrow(
      /passthrough\.provider: `nope` is not a configured provider/,
    );
    expect(() =>
      createGateway({
        providers: { azure: { apiKey: KEY, baseURL: 'https://x.openai.azure.com', apiVersion: 'v1' } },
        passthrough: { provider: 'azure' },
      }),
    ).toThrow(/passthrough\.provider: `azure` \(azure\) does not speak OpenAI's API/);
  });

  it('without a provider, a request that names no model is a 404 saying how to enable it', async () => {
    const logs = logCollector();
    const gateway = createGateway({
      providers: { openai: { apiKey: KEY, baseURL: upstream.baseURL } },
      passthrough: {},
      onLog: logs.sink,
    });
    const host = await startHost('node', gateway);
    try {
      upstream.reset();
      const client = new OpenAI({ baseURL: host.baseURL, apiKey: 'client-key', maxRetries: 0 });
      const refused = await client.batches.retrieve('batch_1').catch((error: unknown) => error);
      expect(refused).toMatchObject({ status: 404, error: { code: 'passthrough_not_configured' } });
      expect((refused as Error).message).toContain("passthrough: { provider: '");
      expect(upstream.requests).toHaveLength(0);
      expect((await logs.settle(1))[0]).toMatchObject({ endpoint: 'passthrough', status_code: 404 });
    } finally {
      await host.close();
      await gateway.close();
    }
  });

  it('asks for a gateway key and runs authorize before anything is sent', async () => {
    const logs = logCollector();
    const seen: string[] = [];
    const gateway = createGateway({
      providers: { openai: { apiKey: KEY, baseURL: upstream.baseURL } },
      passthrough: { provider: 'openai' },
      gatewayKeys: [{ key: 'gw-key-passthrough-1', name: 'web' }],
      authorize: ({ method, path }) => {
        seen.push(`${method} ${path}`);
        return !path.startsWith('/vector_stores');
      },
      onLog: logs.sink,
    });
    const host = await startHost('node', gateway);
    try {
      upstream.reset();
      const stranger = new OpenAI({ baseURL: host.baseURL, apiKey: 'not-a-gateway-key', maxRetries: 0 });
      expect(await stranger.batches.retrieve('batch_1').catch((error: unknown) => error)).toMatchObject({
        status: 401,
        error: { code: 'invalid_api_key' },
      });
      const member = new OpenAI({ baseURL: host.baseURL, apiKey: 'gw-key-passthrough-1', maxRetries: 0 });
      expect(await member.vectorStores.retrieve('vs_1').catch((error: unknown) => error)).toMatchObject({
        status: 403,
        error: { code: 'forbidden' },
      });
      expect(upstream.requests).toHaveLength(0);
      const content = await member.files.content('file-1');
      expect(Buffer.from(await content.arrayBuffer()).equals(DOWNLOAD)).toBe(true);
      expect(upstream.requests[0].headers.authorization).toBe(`Bearer ${KEY}`);
      expect(seen).toEqual(['GET /vector_stores/vs_1', 'GET /files/file-1/content']);
      const records = await logs.settle(3);
      expect(records.map((record) => [record.endpoint, record.status_code])).toEqual([
        ['passthrough', 401],
        ['passthrough', 403],
        ['passthrough', 200],
      ]);
      expect(records[2].gateway_key).toBe('web');
    } finally {
      await host.close();
      await gateway.close();
    }
  });
});
