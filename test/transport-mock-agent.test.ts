/**
 * Status and socket-error classification with undici's MockAgent injected as the dispatcher (never
 * installed globally), as DESIGN.md §7 asks for error injection.
 */
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/index.js';
import { CHAT, completion, post } from './helpers/handle.js';
import { logCollector } from './helpers/logs.js';

const ORIGIN = 'http://upstream.test';
let agent: MockAgent;
let gateway: Gateway;

afterEach(async () => {
  await gateway.close();
  await agent.close();
});

function setup() {
  agent = new MockAgent();
  agent.disableNetConnect();
  const logs = logCollector();
  gateway = createGateway({
    providers: { openai: { apiKey: 'sk-test-mock', baseURL: `${ORIGIN}/v1` } },
    dispatcher: agent,
    retry: { maxRetries: 1, initialDelayMs: 1 },
    onLog: logs.sink,
  });
  return { pool: agent.get(ORIGIN), logs };
}

describe('upstream failures through a MockAgent', () => {
  it('retries a connection reset and then succeeds', async () => {
    const { pool, logs } = setup();
    pool
      .intercept({ path: '/v1/chat/completions', method: 'POST' })
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    pool
      .intercept({ path: '/v1/chat/completions', method: 'POST' })
      .reply(200, completion('after reset'), { headers: { 'content-type': 'application/json' } });
    const response = await post(gateway, CHAT);
    expect(response.status).toBe(200);
    const [record] = await logs.settle(1);
    expect(record.attempts.map((attempt) => attempt.error_code)).toEqual(['upstream_connection_error', null]);
  });

  it.each([
    [500, 502, 'upstream_error'],
    [529, 502, 'upstream_error'],
    [408, 504, 'upstream_timeout'],
    [429, 429, 'rate_limit_exceeded'],
    [422, 422, 'upstream_error'],
  ])('maps upstream %i to %i (%s)', async (upstreamStatus, clientStatus, code) => {
    const { pool } = setup();
    pool
      .intercept({ path: '/v1/chat/completions', method: 'POST' })
      .reply(upstreamStatus, { error: { message: 'nope' } })
      .times(2);
    const response = await post(gateway, CHAT);
    expect(response.status).toBe(clientStatus);
    expect((response.body as any).error.code).toBe(code);
  });

  it('answers 502 for a 200 that is not JSON, after retrying', async () => {
    const { pool } = setup();
    pool.intercept({ path: '/v1/chat/completions', method: 'POST' }).reply(200, '<html>proxy error</html>').times(2);
    const response = await post(gateway, CHAT);
    expect(response.status).toBe(502);
    expect((response.body as any).error.code).toBe('upstream_invalid_response');
  });
});
