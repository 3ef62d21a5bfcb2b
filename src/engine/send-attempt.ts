/**
 * One upstream attempt: send the request, turn an error status into a GatewayError, and either read
 * the JSON body or peek at a stream until its first content (DESIGN.md §4: peek before commit).
 */
import { GatewayError } from '../errors.js';
import type { ProviderCall } from '../providers/types.js';
import type { ChainTarget } from '../routing/build-chain.js';
import type { UpstreamResponse } from '../transport/types.js';
import { ERROR_BODY_LIMIT, RESPONSE_BODY_LIMIT, type EngineContext } from './engine-context.js';
import { passthroughStream, type PassthroughOptions, type StreamTap } from './passthrough-stream.js';
import type { RequestScope } from './request-scope.js';
import { upstreamHttpError, upstreamStreamError } from './upstream-error.js';

async function send(engine: EngineContext, target: ChainTarget, call: ProviderCall, scope: RequestScope): Promise<UpstreamResponse> {
  const provider = target.provider;
  const request = provider.buildRequest(call);
  const response = await (provider.transport ?? engine.transport).send(request, {
    signal: scope.signal,
    firstByteTimeoutMs: Math.min(engine.timeouts.firstByteMs, Math.max(1, scope.remainingMs())),
    idleTimeoutMs: engine.timeouts.idleMs,
  });
  if (response.status < 200 || response.status >= 300) {
    const text = await response.text(ERROR_BODY_LIMIT).catch(() => '');
    throw upstreamHttpError(provider, response.status, response.headers, text, engine.errorPolicy);
  }
  return response;
}

export async function sendForJson(engine: EngineContext, target: ChainTarget, call: ProviderCall, scope: RequestScope): Promise<Record<string, unknown>> {
  const response = await send(engine, target, call, scope);
  const text = await response.text(RESPONSE_BODY_LIMIT);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new GatewayError({ status: 502, code: 'upstream_invalid_response', retryable: true, upstreamStatus: response.status, message: `Provider \`${target.provider.id}\` sent a response that is not JSON.` });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new GatewayError({ status: 502, code: 'upstream_invalid_response', retryable: true, upstreamStatus: response.status, message: `Provider \`${target.provider.id}\` sent an unexpected response.` });
  }
  const body = json as Record<string, unknown>;
  if ('error' in body && !('choices' in body) && !('data' in body)) throw upstreamStreamError(target.provider, body.error);
  return body;
}

export interface OpenedStream {
  /** The first relayed piece, already pulled (the response commits with it). */
  first: string;
  rest: AsyncGenerator<string>;
  tap: StreamTap;
}

export async function openStream(
  engine: EngineContext,
  target: ChainTarget,
  call: ProviderCall,
  scope: RequestScope,
  options: PassthroughOptions,
): Promise<OpenedStream> {
  const response = await send(engine, target, call, scope);
  const tap: StreamTap = {};
  const rest = passthroughStream(response.body, target.provider, options, tap);
  try {
    const first = await rest.next();
    if (first.done) throw new GatewayError({ status: 502, code: 'upstream_empty_stream', retryable: true, message: `Provider \`${target.provider.id}\` sent an empty stream.` });
    return { first: first.value, rest, tap };
  } catch (error) {
    response.cancel();
    throw error;
  }
}
