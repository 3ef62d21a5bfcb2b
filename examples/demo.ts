/**
 * `npm run demo`: an Express host app with modelgate mounted at /api.
 * With no provider keys in the environment it serves the built-in demo provider; with keys
 * (OPENAI_API_KEY, GROQ_API_KEY, ...) it serves those providers too. It sends a little traffic
 * through itself (a fallback and errors included) and prints the dashboard's URL and admin key.
 */
import { randomBytes } from 'node:crypto';
import express from 'express';
import { createGateway, jsonlSink, type GatewayOptions } from '../src/index.js';
import { expressGateway } from '../adapters/express/index.js';

const port = Number(process.env.PORT ?? 3000);
const KEYS = {
  openai: 'OPENAI_API_KEY',
  groq: 'GROQ_API_KEY',
  together: 'TOGETHER_API_KEY',
  fireworks: 'FIREWORKS_API_KEY',
  openrouter: 'OPENROUTER_API_KEY',
  mistral: 'MISTRAL_API_KEY',
  deepseek: 'DEEPSEEK_API_KEY',
  xai: 'XAI_API_KEY',
  perplexity: 'PERPLEXITY_API_KEY',
  cerebras: 'CEREBRAS_API_KEY',
} as const;

const providers: GatewayOptions['providers'] = { demo: {} };
for (const [id, variable] of Object.entries(KEYS)) {
  const apiKey = process.env[variable];
  if (apiKey) providers[id] = { apiKey };
}
const realProviders = Object.keys(providers).filter((id) => id !== 'demo');

const logPath = './logs/requests.jsonl';
// The dashboard's admin key: yours from the environment, or a fresh one for this run.
const adminKey = process.env.MODELGATE_ADMIN_KEY ?? randomBytes(18).toString('base64url');
const gateway = createGateway({
  providers,
  models: {
    // A model that fails half of the time, with a fallback that always answers.
    flaky: { target: 'demo/demo-flaky', fallbacks: ['demo/demo-chat'] },
  },
  // No retries, so that a failure of `flaky` shows as a fallback at once; no cooldown, so that
  // `flaky` keeps being tried (with health on, three failures would skip it for 10 s and more).
  retry: { maxRetries: 0 },
  health: false,
  // The demo provider is free; made-up prices (USD per million tokens) give its dashboard some
  // costs to show. Real providers are priced from the catalogue.
  pricing: { 'demo/*': { input: 150, output: 600 } },
  // Two customers with limits, to show on the dashboard's Customers page.
  customers: {
    alice: { name: 'Alice', periodBudget: 5, budgetDuration: 'daily' },
    carol: { name: 'Carol', rateLimit: 2 },
  },
  onLog: jsonlSink(logPath),
  // The dashboard at /api/dashboard and the logs API at /api/admin/ (memory log store).
  admin: { key: adminKey },
});

const app = express();
app.get('/', (_req, res) => {
  res.type('text/plain').send('modelgate demo: the OpenAI-compatible API is at /api (try GET /api/models)\n');
});
app.use('/api', expressGateway(gateway));

const server = app.listen(port, async () => {
  const base = `http://localhost:${port}/api`;
  await sendSampleTraffic(base);
  const model = realProviders.includes('openai') ? 'gpt-4o-mini' : 'demo-chat';
  console.log(`modelgate demo listening on ${base}`);
  console.log(
    `providers: ${Object.keys(providers).join(', ')}${realProviders.length ? '' : ' (set OPENAI_API_KEY or another key for real models)'}`,
  );
  console.log(`request log: ${logPath}\n`);
  console.log('Try it with curl (streaming, through a model that fails at random and falls back):\n');
  console.log(
    `  curl -N ${base}/chat/completions -H 'content-type: application/json' \\\n` +
      `    -d '{"model":"flaky","stream":true,"messages":[{"role":"user","content":"Hello"}],"customer_identifier":"user_123","request_breakdown":true}'\n`,
  );
  // Plain JavaScript. In TypeScript, type the request with `GatewayParams` (see the README): an
  // expect-error directive on the extra fields does not compile on TypeScript 5 for a stream.
  console.log('Or with the OpenAI SDK (save as client.mjs, run with node client.mjs):\n');
  console.log(`  import OpenAI from 'openai';
  const client = new OpenAI({ baseURL: '${base}', apiKey: 'anything' });
  const stream = await client.chat.completions.create({
    model: '${model}', stream: true, messages: [{ role: 'user', content: 'Hello' }],
    // gateway parameters, removed before the request goes upstream:
    customer_identifier: 'user_123', metadata: { session_id: 'abc' }, fallback_models: ['demo-chat'],
  });
  for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta?.content ?? '');
`);
  console.log(`Dashboard: ${base}/dashboard  (log in with the admin key ${adminKey})`);
  console.log('  set MODELGATE_ADMIN_KEY to choose the key; the logs API is under /api/admin/ (docs/dashboard.md)\n');
});

/** A few requests, so that the dashboard has something to show from the first minute. */
async function sendSampleTraffic(base: string): Promise<void> {
  let sent = 0;
  const ask = async (body: Record<string, unknown>) => {
    sent++;
    const response = await fetch(`${base}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'Hello from the demo' }], ...body }),
    });
    await response.text();
    return response.headers.get('x-modelgate-fallback') === 'true';
  };
  for (const customer of ['alice', 'bob', 'alice'])
    await ask({ model: 'demo-chat', customer_identifier: customer, metadata: { source: 'demo' } });
  await ask({ model: 'demo-chat', stream: true, customer_identifier: 'bob', thread_identifier: 'thread-1' });
  // `flaky` fails half of the time: a few tries, until one of them has fallen back to demo-chat.
  let fellBack = false;
  for (let i = 0; i < 12 && (i < 3 || !fellBack); i++)
    fellBack = (await ask({ model: 'flaky', customer_identifier: 'alice' })) || fellBack;
  // Errors: a model nobody serves, and carol over her rate limit of 2 a minute.
  await ask({ model: 'no-such-model', customer_identifier: 'bob' });
  for (let i = 0; i < 3; i++) await ask({ model: 'demo-chat', customer_identifier: 'carol' });
  console.log(`Sent ${sent} sample requests (a fallback and errors among them) through the gateway.\n`);
}

const shutdown = () => {
  server.close();
  void gateway.close().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
