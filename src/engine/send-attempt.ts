/**
 * One upstream attempt: send the request, turn an error status into a GatewayError, and either read
 * the JSON body or peek at a stream until its first content (DESIGN.md §4: peek before commit).
 */
import { chatCompletions } from '../endpoints/chat-completions/index.js';
import type { ModelEndpoint } from '../endpoints/index.js';
import { GatewayError } from '../errors.js';
import type { ConvertedResponse } from '../providers/types.js';
import type { ChainTarget } from '../routing/build-chain.js';
import type { UpstreamRequest, UpstreamResponse } from '../transport/types.js';
import { ERROR_BODY_LIMIT, type EngineContext } from './engine-context.js';
import { PassthroughRelay, type PassthroughOptions, type StreamTap } from './passthrough-stream.js';
import { OpenAIChatReader } from './openai-chat-reader.js';
import type { RequestScope } from './request-scope.js';
import type { RouteCall } from './route-call.js';
import { StreamResponse } from './stream-response.js';
import { TranslatedRelay } from './translated-stream.js';
import { upstreamHttpError, upstreamStreamError } from './upstream-error.js';

interface Sent {
  request: UpstreamRequest;
  response: UpstreamResponse;
}

async function send(
  engine: EngineContext,
  target: ChainTarget,
  { call }: RouteCall,
  scope: RequestScope,
): Promise<Sent> {
  const provider = target.provider;
  const built = withListenerHeaders(provider.buildRequest(call), scope);
  const request = provider.signRequest ? await provider.signRequest(built) : built;
  const response = await engine.transport.send(request, {
    signal: scope.signal,
    firstByteTimeoutMs: Math.min(engine.timeouts.firstByteMs, Math.max(1, scope.remainingMs())),
    idleTimeoutMs: engine.timeouts.idleMs,
  });
  if (response.status < 200 || response.status >= 300) {
    const text = await response.text(ERROR_BODY_LIMIT).catch(() => '');
    throw upstreamHttpError(provider, response.status, response.headers, text, engine.errorPolicy);
  }
  return { request, response };
}

/** Trace context the listeners asked for (`setUpstreamHeader`), under the provider's own headers. */
function withListenerHeaders(request: UpstreamRequest, scope: RequestScope): UpstreamRequest {
  const extra = scope.observation?.upstreamHeaders();
  if (!extra) return request;
  // Never mutate: providers share one headers object between their requests.
  return { ...request, headers: { ...extra, ...request.headers } };
}

export interface JsonOutcome extends ConvertedResponse {
  droppedParams?: string[];
  /** The upstream's JSON text, when `body` is that JSON unchanged (no translation). */
  text?: string;
  /** Response headers this answer brings (`x-modelgate-estimate` on an estimate). */
  headers?: Record<string, string>;
}

/** The header that marks an answer the gateway estimated itself (`ModelEndpoint.estimate`). */
export const ESTIMATE_HEADER = 'x-modelgate-estimate';

export async function sendForJson(
  engine: EngineContext,
  endpoint: ModelEndpoint,
  target: ChainTarget,
  routed: RouteCall,
  scope: RequestScope,
): Promise<JsonOutcome> {
  // The provider cannot answer this route: the gateway's own estimate, said to be one.
  if (routed.estimate) return { body: routed.estimate, headers: { [ESTIMATE_HEADER]: 'true' } };
  const { request, response } = await send(engine, target, routed, scope);
  const text = await response.text(engine.responseLimitBytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new GatewayError({
      status: 502,
      code: 'upstream_invalid_response',
      retryable: true,
      upstreamStatus: response.status,
      message: `Provider \`${target.provider.id}\` sent a response that is not a JSON object.`,
    });
  }
  const body = json as Record<string, unknown>;
  const { call, bridged } = routed;
  const upstreamFormat = bridged ? chatCompletions : endpoint;
  const error = upstreamFormat.errorIn(body);
  if (error !== undefined) throw upstreamStreamError(target.provider, error, engine.errorPolicy, false);
  const droppedParams = request.droppedParams;
  const answer: JsonOutcome = routed.converts
    ? { ...target.provider.convertResponse!(call, body), droppedParams }
    : { body, usage: upstreamFormat.usageOf(body), droppedParams, text };
  if (!bridged) return answer;
  return {
    ...answer,
    body: bridged.bridge.fromChat(answer.body, bridged.request, bridged.target),
    text: undefined,
  };
}

export interface OpenedStream {
  /** Opened: its first text is read (the response commits with it), the rest waits for the host. */
  stream: StreamResponse;
  tap: StreamTap;
  droppedParams?: string[];
}

export async function openStream(
  engine: EngineContext,
  endpoint: ModelEndpoint,
  target: ChainTarget,
  routed: RouteCall,
  scope: RequestScope,
  options: PassthroughOptions,
): Promise<OpenedStream> {
  const { request, response } = await send(engine, target, routed, scope);
  const tap: StreamTap = {};
  const provider = target.provider;
  const relayOptions = { ...options, maxEventBytes: engine.responseLimitBytes, errorPolicy: engine.errorPolicy };
  let stream: StreamResponse;
  try {
    stream = new StreamResponse(response, relayFor(endpoint, routed, provider, relayOptions, tap), scope);
  } catch (error) {
    response.cancel();
    throw error;
  }
  try {
    await stream.open();
  } catch (error) {
    stream.discard(); // released already when the stream itself failed; not when opening it threw
    throw error;
  }
  return { stream, tap, droppedParams: request.droppedParams };
}

/** Relays the route's own stream as it comes; translates the provider's events; or bridges chat's chunks into the route's frames. */
function relayFor(
  endpoint: ModelEndpoint,
  { call, converts, bridged }: RouteCall,
  provider: ChainTarget['provider'],
  options: PassthroughOptions & { maxEventBytes: number },
  tap: StreamTap,
): TranslatedRelay | PassthroughRelay {
  if (!bridged) {
    return converts
      ? new TranslatedRelay(provider, call, options, tap)
      : new PassthroughRelay(provider, options, tap, endpoint.stream!);
  }
  return new TranslatedRelay(provider, call, { ...options, stripUsage: false }, tap, {
    translator: converts ? undefined : new OpenAIChatReader(provider, options.errorPolicy),
    bridge: bridged.bridge.createStream(bridged.request, bridged.target),
    format: endpoint.stream!,
  });
}
