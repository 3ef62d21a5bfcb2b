/**
 * What traffic management costs per request: `npx tsx bench/traffic-per-request.ts`.
 * An in-process upstream (no network), so the figures are the gateway's own time: a request using
 * no store-backed feature, then with a customer rate limit and budget, and a cache hit, on the
 * memory store; with REDIS_URL set (e.g. redis://127.0.0.1:6379), the same on Redis.
 */
import { createGateway, memoryStore, redisStore, type Gateway, type Store, type Transport } from '../src/index.js';

const completion = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_770_000_000,
  model: 'gpt-4o-mini',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'Hello there.' }, logprobs: null, finish_reason: 'stop' },
  ],
  usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
});

const transport: Transport = {
  async send() {
    const bytes = new TextEncoder().encode(completion);
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: (async function* () {
        yield bytes;
      })(),
      text: async () => completion,
      cancel: () => {},
    };
  },
  close: async () => {},
};

function gateway(store: Store): Gateway {
  return createGateway({
    providers: { openai: { apiKey: 'sk-test-bench-000000001' } },
    transport,
    store,
    pricing: { 'openai/gpt-4o-mini': { input: 0.15, output: 0.6 } },
  });
}

const request = (extra: Record<string, unknown>) => ({
  method: 'POST',
  path: '/v1/chat/completions',
  headers: { 'content-type': 'application/json' },
  body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }], max_tokens: 20, ...extra },
});

async function measure(label: string, gw: Gateway, extra: Record<string, unknown>, iterations: number): Promise<void> {
  const run = async () => {
    const response = await gw.handle(request(extra));
    if (response.status !== 200) throw new Error(`${label}: ${response.status} ${JSON.stringify(response.body)}`);
  };
  for (let i = 0; i < 500; i++) await run();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < iterations; i++) await run();
  const used = process.cpuUsage(cpu);
  const wall = performance.now() - started;
  console.log(
    `${label.padEnd(58)} ${((used.user + used.system) / iterations).toFixed(1).padStart(7)} µs CPU ${((wall * 1000) / iterations).toFixed(1).padStart(8)} µs wall /request`,
  );
}

const customer = { customer_params: { customer_identifier: 'bench', rate_limit: 1_000_000, total_budget: 1_000_000 } };
const cached = { cache_enabled: true };

async function suite(kind: string, makeStore: () => Store, iterations: number): Promise<void> {
  const gw = gateway(makeStore());
  await measure(`${kind}: no store-backed feature`, gw, {}, iterations);
  await measure(`${kind}: customer rate limit + budget (reserve, settle)`, gw, customer, iterations);
  await measure(`${kind}: cache hit`, gw, cached, iterations);
  await gw.close();
}

await suite('memory', () => memoryStore(), 20_000);
if (process.env.REDIS_URL) await suite('redis', () => redisStore({ url: process.env.REDIS_URL }), 5_000);
