/**
 * The rest of OpenAI's API passed through to one provider that speaks it (docs/passthrough.md):
 * the request goes out as the client sent it (a JSON body without its gateway parameters, any other
 * body streamed), under the provider's key; the answer comes back as a stream, never held whole.
 * One attempt here: an upload cannot be sent twice (a JSON body's fallbacks are the intake's loop).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { StreamResponse } from '../contract.js';
import { recordUsage } from '../cost/record-usage.js';
import { clientClosed, GatewayError, toGatewayError } from '../errors.js';
import { round, type RequestLog } from '../logging/request-log.js';
import type { Provider } from '../providers/types.js';
import type { UpstreamRequest } from '../transport/types.js';
import { fromOpenAIUsage } from '../usage.js';
import { ERROR_BODY_LIMIT, type EngineContext } from './engine-context.js';
import { upstreamHttpError } from './upstream-error.js';

export interface PassThroughCall {
  method: string;
  /** Below `/v1`, query string included. */
  target: string;
  headers: IncomingHttpHeaders;
  provider: Provider;
  /** The model the request named (the provider's own name), when it named one. */
  model?: string;
  /** A JSON body, its gateway parameters already removed. */
  json?: string;
  /** Any other body, streamed. */
  stream?: AsyncIterable<Uint8Array>;
  /** Bytes of the request body that passed, once sent. */
  bytesIn: () => number;
  /** Thrown instead of a transport failure when the body broke a limit while streaming (a 413). */
  bodyFailure: () => Error | undefined;
  log: RequestLog;
  signal?: AbortSignal;
  /** The gateway's own headers for the answer (the customer's rate-limit state). */
  answerHeaders?: Record<string, string>;
}

/** Client headers that mean something to the upstream; everything else (its `Authorization` first) stays here. */
const FORWARDED = ['content-type', 'content-length', 'content-encoding', 'accept', 'openai-beta', 'idempotency-key'];
/** Upstream headers the client needs to read the answer. */
const RETURNED = ['content-type', 'content-disposition', 'content-length', 'openai-processing-ms', 'openai-version'];
/** JSON answers up to this size are read for their usage as they pass; larger ones are only counted. */
const USAGE_SCAN_LIMIT = 1024 * 1024;
const JSON_TYPE = /^application\/json/i;

export async function passThrough(engine: EngineContext, call: PassThroughCall): Promise<StreamResponse> {
  const { provider, log } = call;
  const { url, headers: auth } = provider.passthroughTarget!(call.target);
  const headers: Record<string, string> = {};
  for (const name of FORWARDED) {
    const value = call.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  if (call.json !== undefined) {
    headers['content-type'] = 'application/json';
    delete headers['content-length'];
    delete headers['content-encoding'];
  }
  Object.assign(headers, auth);
  const request: UpstreamRequest = {
    url,
    method: call.method.toUpperCase() as UpstreamRequest['method'],
    headers,
    body: call.json,
    bodyStream: call.stream,
  };
  log.record.provider = provider.id;
  log.record.deployment = provider.id;
  log.record.model = call.model ?? null;

  const { requestMs, firstByteMs, idleMs } = engine.timeouts;
  // The deadline covers the whole exchange, download included (as `timeouts.requestMs` does for a stream).
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(deadlineExceeded(requestMs)), requestMs);
  timer.unref?.();
  const signal = AbortSignal.any([...(call.signal ? [call.signal] : []), deadline.signal]);
  const sentAt = performance.now();
  /** The attempt in the record, as the engine's chain writes them (one per upstream request). */
  const noteAttempt = (status: number | null, error?: GatewayError) =>
    log.record.attempts.push({
      provider: provider.id,
      model: call.model ?? '',
      retry: 0,
      status_code: status,
      error: error?.message ?? null,
      error_code: error?.code ?? null,
      duration_ms: round(performance.now() - sentAt),
      deployment: provider.id,
    });
  let response;
  try {
    response = await engine.transport.send(request, { signal, firstByteTimeoutMs: firstByteMs, idleTimeoutMs: idleMs });
  } catch (error) {
    clearTimeout(timer);
    const failure = call.bodyFailure() ?? (call.signal?.aborted ? clientClosed() : error);
    noteAttempt(null, toGatewayError(failure));
    throw failure;
  }
  log.record.bytes_in = call.bytesIn();
  if (response.status >= 400) {
    const text = await response.text(ERROR_BODY_LIMIT).catch(() => '');
    clearTimeout(timer);
    log.record.bytes_out = Buffer.byteLength(text);
    const failure = upstreamHttpError(provider, response.status, response.headers, text, engine.errorPolicy);
    noteAttempt(response.status, failure);
    throw failure;
  }
  noteAttempt(response.status);
  const returned: Record<string, string> = { ...call.answerHeaders, 'x-request-id': log.id };
  for (const name of RETURNED) {
    const value = response.headers[name];
    if (typeof value === 'string') returned[name] = value;
  }
  const scanUsage = JSON_TYPE.test(returned['content-type'] ?? '');
  let bytes = 0;
  /** Once: the upstream released and the record finished, however the relay ends. */
  const settle = (ended: boolean, scanned: Buffer[] | undefined, failure?: GatewayError) => {
    if (log.isFinished) return;
    clearTimeout(timer);
    response!.cancel();
    log.record.bytes_out = bytes;
    if (ended && scanned) readUsage(engine, call, Buffer.concat(scanned).toString('utf8'));
    if (failure) log.finish(failure.status, failure, failure.code === 'client_closed_request');
    else log.finish(response!.status, undefined, !ended);
  };
  const relayed = relay();
  // A host that cancels before reading (a generator not yet started skips its `finally`) still settles.
  const body: AsyncIterableIterator<Uint8Array> = {
    next: () => relayed.next(),
    return: (value?: unknown) => {
      settle(false, undefined);
      return relayed.return(value);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return { kind: 'stream', status: response.status, headers: returned, body };

  async function* relay(): AsyncGenerator<Uint8Array> {
    let scanned: Buffer[] | undefined = scanUsage ? [] : undefined;
    let failure: GatewayError | undefined;
    let ended = false;
    try {
      for await (const chunk of response!.body) {
        bytes += chunk.byteLength;
        if (scanned && bytes <= USAGE_SCAN_LIMIT) scanned.push(Buffer.from(chunk));
        else scanned = undefined;
        yield chunk;
      }
      ended = true;
    } catch (error) {
      // The status line is out: the client sees a cut body; the record says why.
      failure = call.signal?.aborted ? clientClosed() : toGatewayError(error);
      throw error;
    } finally {
      settle(ended, scanned, failure);
    }
  }
}

function deadlineExceeded(ms: number): GatewayError {
  return new GatewayError({
    status: 504,
    code: 'request_timeout',
    message: `The request took longer than its deadline of ${ms} ms (timeouts.requestMs).`,
  });
}

function readUsage(engine: EngineContext, call: PassThroughCall, text: string): void {
  try {
    const usage = fromOpenAIUsage((JSON.parse(text) as { usage?: unknown }).usage);
    if (usage) recordUsage(call.log.record, usage, engine.costs, call.provider, call.model ?? 'unknown');
  } catch {
    // not JSON after all, or cut: the record keeps no usage
  }
}
