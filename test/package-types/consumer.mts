/**
 * A consumer of the built package, type-checked by `.ci/run` after the build, as a user's project
 * would check it: strict, without skipLibCheck, and without the optional peer ioredis (tsconfig
 * maps it to an empty module). Public types must not need a package the user may not have installed.
 * (modelgate/koa is left out: @types/koa itself fails without skipLibCheck, whatever imports it.)
 */
import express from 'express';
import { createServer } from 'node:http';
import {
  createGateway,
  GatewayError,
  httpLogSink,
  jsonlSink,
  memoryStore,
  redisStore,
  type GatewayListener,
  type GatewayParams,
  type LogRecord,
} from 'modelgate';
import { expressGateway, expressGatewayErrors } from 'modelgate/express';
import { fetchGateway } from 'modelgate/fetch';
import {
  gatewayRequestFromNode,
  isBodyParserError,
  nodeGateway,
  requestSignal,
  serveNodeRequest,
  writeNodeResponse,
} from 'modelgate/node';

const records: LogRecord[] = [];
const gateway = createGateway({
  providers: { demo: {}, openai: { apiKey: 'sk-test-consumer' } },
  models: { fast: { target: 'demo/demo-chat', fallbacks: ['gpt-4o-mini'] } },
  store: process.env.REDIS_URL ? redisStore({ url: process.env.REDIS_URL, redisOptions: { db: 1 } }) : memoryStore(),
  onLog: process.env.LOG_FILE ? jsonlSink(process.env.LOG_FILE) : (record) => void records.push(record),
  authorize: ({ headers }) => {
    if (!headers['x-team']) throw new GatewayError({ status: 401, code: 'no_team', message: 'Say which team.' });
    return { principal: String(headers['x-team']) };
  },
});

const app = express();
// The one-line mount behind an app-level parser; a router; the separate error handler as before.
app.use(express.json({ limit: '20mb' }));
app.use('/api', expressGateway(gateway, { context: (req) => ({ principal: req.ip }) }));
const router = express.Router();
router.use(expressGateway(gateway));
app.use('/v2', router, expressGatewayErrors(gateway));
app.use('/v3', express.json(), expressGateway(gateway), expressGatewayErrors(gateway));
createServer(nodeGateway(gateway, { basePath: '/api' }));
// A Node server of one's own, from the Node host glue: the whole round trip, or its pieces.
createServer((req, res) => void serveNodeRequest(gateway, req, res, req.url ?? '/', { context: { principal: 'me' } }));
createServer(async (req, res) => {
  const result = await gateway.handle(gatewayRequestFromNode(req, req.url ?? '/'), { signal: requestSignal(res) });
  if (result.kind === 'sse' && result.pipeTo)
    await result.pipeTo({
      closed: false,
      write: (piece) => res.write(piece),
      onDrain: (resume) => res.once('drain', resume),
    });
  else await writeNodeResponse(res, result);
});
const bodyParserFailed: boolean = isBodyParserError(new SyntaxError('Unexpected token'));
const handler: (request: Request) => Promise<Response> = fetchGateway(gateway, { basePath: '/api' });
const params: GatewayParams = {
  customer_identifier: 'user_123',
  fallback_models: ['fast'],
  metadata: { session_id: 'abc' },
};

// Exporters of the main entry, without the optional peers of modelgate/otel and modelgate/prometheus.
const audit: GatewayListener = {
  requestStart: (event) => event.setUpstreamHeader('x-trace', event.id),
  requestEnd: ({ record, logged }) => void (logged && records.push(record)),
};
const observed = createGateway({
  providers: { demo: {} },
  listeners: [audit, httpLogSink({ url: 'http://127.0.0.1:4318/logs', maxBatch: 50 })],
  metrics: { path: '/metrics', collect: () => ({ contentType: 'text/plain', body: '' }), public: true },
});

export { app, handler, params, bodyParserFailed, observed };
export const closing: Promise<void> = gateway.close({ timeoutMs: 1_000 });
