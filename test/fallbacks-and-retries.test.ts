/**
 * Retries, fallbacks and the single deadline, against real loopback upstreams.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGateway, type Gateway, type GatewayOptions } from '../src/index.js';
import { CHAT, completion, post } from './helpers/handle.js';
import { startHost } from './helpers/hosts.js';
import { logCollector } from './helpers/logs.js';
import { json, openAIError, sleep, startUpstream, type Upstream } from './helpers/upstream.js';

let primary: Upstream;
let backup: Upstream;
let gateway: Gateway;
let logs: ReturnType<typeof logCollector>;

beforeEach(async () => {
  primary = await startUpstream((_request, response) => json(response, 200, completion('from primary')));
  backup = await startUpstream((_request, response) => json(response, 200, completion('from backup')));
  logs = logCollector();
});

afterEach(async () => {
  await gateway?.close();
  await primary.close();
  await backup.close();
});

function gatewayWith(options: Partial<GatewayOptions> = {}) {
  gateway = createGateway({
    providers: {
      openai: { apiKey: 'sk-test-primary', baseURL: primary.baseURL },
      backup: { kind: 'openai-compatible', apiKey: 'sk-test-backup', baseURL: backup.baseURL },
    },
    retry: { initialDelayMs: 5, maxDelayMs: 20 },
    onLog: logs.sink,
    ...options,
  });
  return gateway;
}

const served = (response: Awaited<ReturnType<typeof post>>) => (response.body as any).choices?.[0]?.message?.content;

describe('retries', () => {
  it('retries a 5xx on the same model with backoff, then succeeds', async () => {
    gatewayWith();
    primary.handleNth(0, (_request, response) => openAIError(response, 500, 'boom'));
    primary.handleNth(1, (_request, response) => openAIError(response, 503, 'still boom'));
    const response = await post(gateway, CHAT);
    expect(response.status).toBe(200);
    expect(served(response)).toBe('from primary');
    expect(response.headers['x-modelgate-attempts']).toBe('3');
    const [record] = await logs.settle(1);
    expect(record.attempts.map((attempt) => [attempt.status_code, attempt.retry])).toEqual([
      [500, 0],
      [503, 1],
      [200, 2],
    ]);
  });

  it('honours retry-after-ms from the upstream', async () => {
    gatewayWith();
    primary.handleNth(0, (_request, response) => openAIError(response, 429, 'slow down', { 'retry-after-ms': '150' }));
    const started = performance.now();
    const response = await post(gateway, CHAT);
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('does not retry when retry_params disables it, and counts num_retries', async () => {
    gatewayWith();
    primary.handle((_request, response) => openAIError(response, 502, 'down'));
    const off = await post(gateway, { ...CHAT, retry_params: { retry_enabled: false } });
    expect(off.status).toBe(502);
    expect(primary.requests).toHaveLength(1);
    const four = await post(gateway, {
      ...CHAT,
      retry_params: { retry_enabled: true, num_retries: 3, retry_after: 0.001 },
    });
    expect(four.status).toBe(502);
    expect(primary.requests).toHaveLength(5);
  });

  it('does not retry or fall back on an ordinary 4xx, and passes it through', async () => {
    gatewayWith({ fallbacks: ['backup/any'] });
    primary.handle((_request, response) =>
      json(response, 400, {
        error: {
          message: 'Unrecognized request argument supplied: foo',
          type: 'invalid_request_error',
          param: 'foo',
          code: null,
        },
      }),
    );
    const response = await post(gateway, CHAT);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      error: { param: 'foo', message: expect.stringContaining('Unrecognized request argument') },
    });
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(0);
  });

  it('falls back on a configured 4xx status', async () => {
    gatewayWith({ fallbacks: ['backup/any'], fallbackOnStatus: [404] });
    primary.handle((_request, response) => openAIError(response, 404, 'no such model'));
    const response = await post(gateway, CHAT);
    expect(served(response)).toBe('from backup');
  });
});

describe('fallbacks', () => {
  it('moves on at once after a 429 when a fallback is left', async () => {
    gatewayWith();
    primary.handle((_request, response) => openAIError(response, 429, 'rate limited', { 'retry-after': '30' }));
    const started = performance.now();
    const response = await post(gateway, { ...CHAT, fallback_models: ['backup/llama'] });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(served(response)).toBe('from backup');
    expect(response.headers['x-modelgate-fallback']).toBe('true');
    expect(response.headers['x-modelgate-provider']).toBe('backup');
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests[0].body.model).toBe('llama');
  });

  it('tries request fallbacks, then the alias fallbacks, then the global ones, each once', async () => {
    gatewayWith({
      models: { main: { target: 'openai/gpt-4o', fallbacks: ['backup/alias-fallback', 'openai/gpt-4o'] } },
      fallbacks: ['backup/global-fallback', 'backup/alias-fallback'],
      retry: { maxRetries: 0 },
    });
    primary.handle((_request, response) => openAIError(response, 503, 'down'));
    backup.handle((request, response) =>
      request.body.model === 'global-fallback'
        ? json(response, 200, completion('global'))
        : openAIError(response, 500, 'down too'),
    );
    const response = await post(gateway, {
      ...CHAT,
      model: 'main',
      fallback_models: ['backup/request-fallback'],
      models: ['backup/keywords-models'],
    });
    expect(served(response)).toBe('global');
    expect(backup.requests.map((request) => request.body.model)).toEqual([
      'request-fallback',
      'keywords-models',
      'alias-fallback',
      'global-fallback',
    ]);
    const [record] = await logs.settle(1);
    expect(record.attempts.map((attempt) => `${attempt.provider}/${attempt.model}`)).toEqual([
      'openai/gpt-4o',
      'backup/request-fallback',
      'backup/keywords-models',
      'backup/alias-fallback',
      'backup/global-fallback',
    ]);
    expect(record).toMatchObject({
      requested_model: 'main',
      provider: 'backup',
      model: 'global-fallback',
      fallback_used: true,
    });
  });

  it('falls back when the upstream refuses the gateway key, and answers 502 when nothing else is left', async () => {
    gatewayWith();
    primary.handle((_request, response) => openAIError(response, 401, 'Incorrect API key provided: sk-test-primary'));
    const withFallback = await post(gateway, { ...CHAT, fallback_models: ['backup/x'] });
    expect(served(withFallback)).toBe('from backup');
    const alone = await post(gateway, CHAT);
    expect(alone.status).toBe(502);
    expect((alone.body as any).error.code).toBe('upstream_auth_error');
    expect(JSON.stringify(alone.body)).not.toContain('sk-test-primary');
  });

  it('tries the fallbacks when the requested model cannot be routed, and says why it skipped it', async () => {
    gatewayWith();
    const host = await startHost('express', gateway);
    try {
      const ask = (extra: object) =>
        fetch(`${host.baseURL}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...CHAT, model: 'nowhere/gpt-x', ...extra }),
        });
      const withFallback = await ask({ fallback_models: ['backup/y'] });
      expect(withFallback.status).toBe(200);
      expect(((await withFallback.json()) as any).choices[0].message.content).toBe('from backup');
      expect(withFallback.headers.get('x-modelgate-attempts')).toBe('1'); // a skip is not a try
      const alone = await ask({});
      expect(alone.status).toBe(404);
      expect(((await alone.json()) as any).error).toMatchObject({ code: 'model_not_found', param: 'model' });
      const [served, refused] = await logs.settle(2);
      expect(served.attempts).toEqual([
        expect.objectContaining({
          model: 'nowhere/gpt-x',
          skipped: 'unroutable',
          error_code: 'skipped_unroutable',
          status_code: null,
        }),
        expect.objectContaining({ provider: 'backup', model: 'y', status_code: 200 }),
      ]);
      expect(served.attempts[0].error).toMatch(/`nowhere\/gpt-x` is not available in this gateway/);
      expect(served).toMatchObject({ provider: 'backup', fallback_used: true, status_code: 200 });
      expect(refused).toMatchObject({ status_code: 404, error_code: 'model_not_found' });
      expect(backup.requests.map((request) => request.body.model)).toEqual(['y']);
      expect(primary.requests).toHaveLength(0);
    } finally {
      await host.close();
    }
  });

  it('falls back on connection refused and on a provider with no key', async () => {
    gatewayWith({
      providers: {
        openai: { apiKey: undefined },
        dead: { kind: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1' },
        backup: { kind: 'openai-compatible', baseURL: backup.baseURL },
      },
      retry: { maxRetries: 0 },
    });
    const response = await post(gateway, { ...CHAT, fallback_models: ['dead/x', 'backup/y'] });
    expect(served(response)).toBe('from backup');
    const [record] = await logs.settle(1);
    expect(record.attempts.map((attempt) => attempt.error_code)).toEqual([
      'provider_not_configured',
      'upstream_connection_error',
      null,
    ]);
  });

  it('tells the client not to retry once the chain is exhausted, keeping retry-after', async () => {
    gatewayWith({ retry: { maxRetries: 0 } });
    primary.handle((_request, response) =>
      openAIError(response, 429, 'Rate limit reached for sk-proj-abcdefghijklmnop', { 'retry-after': '7' }),
    );
    const response = await post(gateway, CHAT);
    expect(response.status).toBe(429);
    expect(response.headers['x-should-retry']).toBe('false');
    expect(response.headers['retry-after']).toBe('7');
    expect((response.body as any).error.message).toMatch(
      /Provider `openai` answered HTTP 429: Rate limit reached for \[redacted\]/,
    );
  });
});

describe('deadlines', () => {
  it('bounds retries and fallbacks by one deadline', async () => {
    gatewayWith({ timeouts: { requestMs: 300 }, retry: { initialDelayMs: 100, maxDelayMs: 100 } });
    primary.handle(async (_request, response) => {
      await sleep(120);
      openAIError(response, 503, 'slow failure');
    });
    backup.handle(async (_request, response) => {
      await sleep(120);
      openAIError(response, 503, 'slow failure');
    });
    const started = performance.now();
    const response = await post(gateway, { ...CHAT, fallback_models: ['backup/x'] });
    const elapsed = performance.now() - started;
    expect(response.status).toBe(504);
    expect((response.body as any).error.code).toBe('request_timeout');
    expect(elapsed).toBeLessThan(600);
    const [record] = await logs.settle(1);
    expect(record.status_code).toBe(504);
  });

  it('takes a per-request deadline_ms', async () => {
    gatewayWith();
    primary.handle(async (_request, response) => {
      await sleep(500);
      json(response, 200, completion('late'));
    });
    const response = await post(gateway, { ...CHAT, deadline_ms: 100 });
    expect(response.status).toBe(504);
  });

  it('times out a silent upstream (first byte) and falls back', async () => {
    gatewayWith({ timeouts: { firstByteMs: 100 }, retry: { maxRetries: 0 } });
    primary.handle(() => undefined); // never answers
    const response = await post(gateway, { ...CHAT, fallback_models: ['backup/x'] });
    expect(served(response)).toBe('from backup');
    const [record] = await logs.settle(1);
    expect(record.attempts[0]).toMatchObject({ error_code: 'upstream_timeout', status_code: null });
  });
});
