/**
 * A gateway with the admin API on, in front of a loopback OpenAI upstream, and a fixed mix of
 * traffic (customers, a stream, metadata, a fallback, an error, a `disable_log` request) sent to it
 * through a real host; the records `onLog` received are the truth the admin API is checked against.
 */
import { createGateway, type Gateway, type GatewayOptions, type LogRecord, type LogStore } from '../../src/index.js';
import { fail, reply } from './chat-upstream.js';
import { logCollector } from './logs.js';
import { startUpstream, type Upstream } from './upstream.js';

export const ADMIN_KEY = 'admin-key-for-tests-0123456789';
export const ADMIN = { 'x-modelgate-admin-key': ADMIN_KEY };

/** Model `gpt-4o` always fails with a 503; everything else answers, with `max_tokens` completion tokens. */
export async function startAdminUpstream(): Promise<Upstream> {
  return startUpstream((request, response) => {
    if (request.body?.model === 'gpt-4o') return fail(response, 503);
    return reply(request, response, { promptTokens: 9, completionTokens: request.body?.max_tokens ?? 4 });
  });
}

export function adminGateway(upstream: Upstream, extra: Partial<GatewayOptions> & { logStore?: LogStore } = {}) {
  const logs = logCollector();
  const gateway: Gateway = createGateway({
    providers: { openai: { apiKey: 'sk-test-admin', baseURL: upstream.baseURL } },
    models: { flaky: { target: 'openai/gpt-4o', fallbacks: ['openai/gpt-4o-mini'] } },
    retry: { maxRetries: 0 },
    health: false,
    pricing: {
      'openai/gpt-4o-mini': { input: 1_000, output: 2_000 },
      'openai/gpt-4o': { input: 1_000, output: 2_000 },
    },
    customers: { alice: { name: 'Alice', periodBudget: 10, budgetDuration: 'daily', rateLimit: 100 } },
    admin: { key: ADMIN_KEY },
    onLog: logs.sink,
    ...extra,
  });
  return { gateway, logs };
}

/** The traffic mix: 7 requests, 6 answered (one through a fallback, one streamed twice), 1 error. */
export const TRAFFIC: Array<Record<string, unknown>> = [
  {
    model: 'gpt-4o-mini',
    max_tokens: 5,
    customer_identifier: 'alice',
    metadata: { env: 'prod' },
    thread_identifier: 't1',
  },
  {
    model: 'gpt-4o-mini',
    max_tokens: 7,
    customer_identifier: 'alice',
    stream: true,
    stream_options: { include_usage: true },
  },
  {
    model: 'gpt-4o-mini',
    max_tokens: 11,
    customer_identifier: 'bob',
    metadata: { env: 'dev' },
    group_identifier: 'g1',
  },
  { model: 'flaky', max_tokens: 13, customer_identifier: 'bob', metadata: { env: 'prod' } },
  { model: 'gpt-4o-mini', max_tokens: 3, customer_identifier: 'carol', disable_log: true },
  { model: 'no-such-model', customer_identifier: 'carol' },
  {
    model: 'gpt-4o-mini',
    max_tokens: 17,
    customer_identifier: 'dave',
    thread_identifier: 't1',
    stream: true,
    stream_options: { include_usage: true },
  },
];

/** Sends the traffic in order (so the newest-first order is known) and waits for its records. */
export async function sendTraffic(baseURL: string, logs: ReturnType<typeof logCollector>): Promise<LogRecord[]> {
  const before = logs.records.length;
  for (const body of TRAFFIC) {
    const response = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        messages: [{ role: 'user', content: `hello ${String(body.customer_identifier)}` }],
        ...body,
      }),
    });
    await response.text();
  }
  await logs.waitFor(before + TRAFFIC.length);
  return logs.records.slice(before);
}

export async function adminGet(baseURL: string, path: string, headers: Record<string, string> = ADMIN) {
  const response = await fetch(`${baseURL}/${path}`, { headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}
