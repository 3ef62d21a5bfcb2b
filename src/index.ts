/**
 * modelgate: an embeddable, OpenAI-compatible LLM gateway.
 *
 * ```ts
 * const gateway = createGateway({ providers: { openai: { apiKey: process.env.OPENAI_API_KEY } } });
 * app.use('/api', expressGateway(gateway));
 * ```
 * The Node host glue (`serveNodeRequest`, `requestSignal`, `writeNodeResponse`, ...) is `modelgate/node`'s.
 */
export { createGateway, type Gateway } from './gateway.js';
export type {
  GatewayRequest,
  GatewayResponse,
  HandleContext,
  JsonResponse,
  SseResponse,
  SseSink,
  ResponseHeaders,
} from './contract.js';
export {
  GatewayConfigError,
  GatewayError,
  type GatewayErrorInit,
  type OpenAIErrorBody,
  type OpenAIErrorType,
} from './errors.js';
export type {
  GatewayOptions,
  AuthorizeHook,
  AuthorizeInput,
  AuthorizeResult,
  ProviderOptions,
  EndpointOptions,
  ModelAlias,
} from './options.js';
export { jsonlSink, type JsonlSink } from './logging/jsonl-sink.js';
export type { LogRecord, AttemptRecord, LogSink, CustomerLog, CacheLog } from './logging/log-record.js';
export type {
  GatewayListener,
  RequestStartEvent,
  AttemptStartEvent,
  AttemptEndEvent,
  RequestEndEvent,
} from './observe/gateway-listener.js';
export { REQUEST_CHANNEL, type RequestChannelContext } from './observe/request-channel.js';
export {
  httpLogSink,
  type HttpLogSink,
  type HttpLogSinkOptions,
  type HttpLogSinkStats,
} from './export/http-log-sink.js';
export { webhookLogSink, type WebhookLogSinkOptions } from './export/webhook-log-sink.js';
export { memoryStore, type MemoryStoreOptions } from './store/memory-store.js';
export { redisStore, type RedisStoreOptions } from './store/redis-store.js';
export {
  StoreUnavailableError,
  type Store,
  type BudgetLine,
  type BudgetState,
  type ReserveOutcome,
  type WindowOutcome,
} from './store/store.js';
export type { ModelInfo, CustomerOptions } from './traffic/traffic-options.js';
export type { LogUsage } from './usage.js';
export type { CostDetails } from './cost/cost-calculator.js';
export type { ModelPricing, PricingOptions } from './cost/pricing-options.js';
export { PRICE_CATALOGUE } from './cost/catalogue-prices.js';
export type { GatewayParams } from './params/gateway-params.js';
export { hostContext, type ContextProvider } from './http/host-context.js';
export type { Transport, UpstreamRequest, UpstreamResponse, SendOptions } from './transport/types.js';
export { memoryLogStore, type MemoryLogStoreOptions } from './log-store/memory-log-store.js';
export { sqliteLogStore, type SqliteLogStoreOptions } from './log-store/sqlite-log-store.js';
export { redisLogStore, type RedisLogStoreOptions } from './log-store/redis-log-store.js';
export type { LogStore, LogPage } from './log-store/log-store.js';
export type { LogFilter } from './log-store/log-filter.js';
export type { RetentionOptions } from './log-store/retention.js';
export type { AdminOptions } from './admin/admin-options.js';
