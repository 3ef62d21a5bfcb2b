/**
 * `npm run demo`: an Express host app with modelgate mounted at /api.
 * With no provider keys in the environment it serves the built-in demo provider; with keys
 * (OPENAI_API_KEY, GROQ_API_KEY, ...) it serves those providers too.
 */
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
  // The demo provider is free; real providers are priced from the catalogue.
  pricing: { 'demo/*': { input: 0, output: 0 } },
  onLog: jsonlSink(logPath),
});

const app = express();
app.get('/', (_req, res) => {
  res.type('text/plain').send('modelgate demo: the OpenAI-compatible API is at /api (try GET /api/models)\n');
});
app.use('/api', expressGateway(gateway));

const server = app.listen(port, () => {
  const base = `http://localhost:${port}/api`;
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
});

const shutdown = () => {
  server.close();
  void gateway.close().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
