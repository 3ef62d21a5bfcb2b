/**
 * A model route (chat completions, embeddings, ...: its `ModelEndpoint` record says how it reads):
 * resolve the chain, run it, and shape the response, the headers and the log record. Streams commit
 * after their first content and fail after that with the route's error frame, never a silent close.
 */
import type { GatewayResponse, ResponseHeaders } from '../contract.js';
import { recordUsage } from '../cost/record-usage.js';
import { servingOf, type ModelEndpoint } from '../endpoints/index.js';
import type { GatewayError } from '../errors.js';
import type { LogRecord } from '../logging/log-record.js';
import type { RequestObservation } from '../observe/request-observation.js';
import { round, type RequestLog } from '../logging/request-log.js';
import type { GatewayParams } from '../params/gateway-params.js';
import type { ChainTarget } from '../routing/build-chain.js';
import { planRequest, type TrafficPlan } from '../traffic/plan-request.js';
import { SSE_RESPONSE_HEADERS } from '../sse/sse-frames.js';
import type { RetryPolicy } from './backoff.js';
import type { EngineContext } from './engine-context.js';
import { breakdown } from './request-breakdown.js';
import { RequestScope } from './request-scope.js';
import { routeCall, type RouteCall } from './route-call.js';
import { runChain, type ChainResult, type ChainTiming } from './run-chain.js';
import { openStream, type JsonOutcome, type OpenedStream } from './send-attempt.js';
import { sendJsonCall } from './send-split.js';
import { serveCached } from './serve-cached.js';
import { noteServed, servedHeaders } from './served-headers.js';
import { streamEnding, type UsageNote } from './stream-ending.js';
import { tell, type AnswerListener } from './answer-listener.js';

export interface ProxyInput {
  endpoint: ModelEndpoint;
  /** The body to forward: validated, gateway parameters removed. */
  body: Record<string, unknown>;
  params: GatewayParams;
  log: RequestLog;
  signal?: AbortSignal;
  /** A deployment to try first when the chain holds it (where a conversation was served before). */
  prefer?: { provider: string; model: string };
  /**
   * When the request can be served only by providers that serve the route natively: the error
   * (a 400 that falls back) for the others; undefined, or a function answering undefined, when any may.
   */
  nativeOnly?: (target: ChainTarget) => GatewayError | undefined;
  /** The body for providers that serve the route natively, when theirs differs (state only the others can read left out). */
  nativeBody?: Record<string, unknown>;
  /** The body as the client sent it, when `body` was rebuilt from it: the log keeps the client's own input. */
  sent?: Record<string, unknown>;
  /** Hears each complete answer (JSON, or a whole stream's), after the client has it. */
  onAnswer?: AnswerListener;
  /** The client's headers the route forwards to native upstreams (`ModelEndpoint.forwardHeaders`). */
  headers?: Readonly<Record<string, string>>;
  /** The request's listeners, when anybody listens (src/observe/). */
  observation?: RequestObservation;
}

export async function proxyRequest(engine: EngineContext, input: ProxyInput): Promise<GatewayResponse> {
  const { endpoint, body, params, log } = input;
  const stream = endpoint.stream?.requested(body) === true;
  const record = log.record;
  record.stream = stream;
  record.requested_model = typeof body.model === 'string' && body.model !== '' ? body.model : null;
  recordRequest(record, input);

  const deadlineMs = params.deadline_ms ?? engine.timeouts.requestMs;
  const observation = input.observation;
  if (observation) observation.operation = endpoint.operation;
  let plan: TrafficPlan;
  try {
    plan = await planRequest(engine.traffic, {
      endpoint,
      body,
      params,
      record,
      track: (work) => log.track(work),
      deadlineMs,
      prefer: input.prefer,
    });
  } finally {
    // Targets left out (cooldown, capability, exclusion) are attempts the listeners hear of, too.
    if (observation) for (const attempt of record.attempts) if (attempt.skipped) observation.attemptEnd(attempt);
  }
  if (plan.cached) return serveCached(plan, endpoint, stream, body, params, log, input.signal);
  const scope = new RequestScope(deadlineMs, input.signal, engine.liveScopes, log.startedAt);
  scope.observation = observation;
  const run: ChainRun = {
    engine,
    input,
    plan,
    scope,
    timing: { upstreamMs: 0, backoffMs: 0 },
    policy: retryPolicy(engine.retry, params.retry_params),
    callFor: (target, extra) => {
      // What only the route's own upstreams can serve (state they hold) is refused the others, before a request is built.
      const native = servingOf(endpoint, target.provider) === 'native';
      const refusal = native ? undefined : input.nativeOnly?.(target);
      if (refusal) throw refusal;
      const sent = native && input.nativeBody ? input.nativeBody : body;
      const kept = input.onAnswer?.wants(target) === true;
      return routeCall(endpoint, target, sent, {
        stream,
        strictParams: engine.strictParams,
        extra,
        kept,
        headers: input.headers,
      });
    },
  };
  try {
    return stream ? await proxyStream(run) : await proxyJson(run);
  } catch (error) {
    // Whatever failed, and wherever (the chain, or a bug after it), the request lets go of what it
    // holds: its scope and its budget reservation (`finish` settles once: a later call is a no-op).
    scope.dispose();
    await plan.finish({ ok: false });
    throw error;
  }
}

/** One request's chain run: what its JSON or stream half needs. */
interface ChainRun {
  engine: EngineContext;
  input: ProxyInput;
  plan: TrafficPlan;
  scope: RequestScope;
  timing: ChainTiming;
  policy: RetryPolicy;
  callFor(target: ChainTarget, extra?: Record<string, unknown>): RouteCall;
}

async function proxyJson({ engine, input, plan, scope, timing, policy, callFor }: ChainRun): Promise<GatewayResponse> {
  const { params, log } = input;
  const record = log.record;
  let result: ChainResult<JsonOutcome>;
  try {
    result = await runChain(
      plan.chain,
      scope,
      policy,
      record.attempts,
      timing,
      (target) => sendJsonCall(engine, input.endpoint, target, callFor(target), scope),
      plan.observer,
    );
  } finally {
    scope.dispose(); // the upstream body is read whole: the request holds no connection from here on
  }
  const { body: response, usage, droppedParams, text, usageUnavailableReason } = result.value;
  noteServed(record, result, log, timing, droppedParams);
  recordUsage(record, usage, engine.costs, result.target.provider, result.target.model, usageUnavailableReason);
  if (!params.disable_log) record.output = input.endpoint.logOutput(response);
  const headers = servedHeaders(record, log.id, plan);
  if (result.value.headers) Object.assign(headers, result.value.headers);
  // Shaped before the budget settles, so that a failure on the way still releases the reservation.
  const answer: GatewayResponse = params.request_breakdown
    ? { kind: 'json', status: 200, headers, body: { ...response, request_breakdown: breakdown(record, log) } }
    : // The upstream's own JSON goes on as it came: serialising it again would only cost time.
      { kind: 'json', status: 200, headers, body: response, text };
  if (input.onAnswer) tell(input.onAnswer, response, result.target, engine);
  await plan.finish({ ok: true, target: result.target, usage, body: response });
  log.finish(200);
  return answer;
}

async function proxyStream({
  engine,
  input,
  plan,
  scope,
  timing,
  policy,
  callFor,
}: ChainRun): Promise<GatewayResponse> {
  const { body, params, log } = input;
  const record = log.record;
  const format = input.endpoint.stream!;
  const clientWantsUsage = format.clientWantsUsage(body);
  /** The stream the chain opened, once one did: whatever fails after that must let go of it. */
  let stream: OpenedStream['stream'] | undefined;
  try {
    const opened = await runChain(
      plan.chain,
      scope,
      policy,
      record.attempts,
      timing,
      async (target) => {
        const askUsage = target.provider.streamUsage === 'request' && !clientWantsUsage;
        const extra = askUsage ? format.askForUsage(body) : undefined;
        // The cache and an answer listener need the chunks for the finished answer.
        const options = {
          stripUsage: !clientWantsUsage,
          keepPayloads: plan.cacheSettings !== undefined || input.onAnswer?.wants(target) === true,
          keepOutput: !params.disable_log,
        };
        const value = await openStream(engine, input.endpoint, target, callFor(target, extra), scope, options);
        stream = value.stream;
        return value;
      },
      plan.observer,
    );
    noteServed(record, opened, log, timing, opened.value.droppedParams);
    record.ttft_ms = round(log.elapsedMs());
    const headers: ResponseHeaders = {
      ...SSE_RESPONSE_HEADERS,
      ...servedHeaders(record, log.id, plan),
    };
    const target = opened.target;
    const noteUsage: UsageNote = (usage) => recordUsage(record, usage, engine.costs, target.provider, target.model);
    const relay = opened.value.stream;
    relay.commit(streamEnding(format, opened, scope, log, params, noteUsage, plan, engine.report, input.onAnswer));
    return { kind: 'sse', status: 200, headers, body: relay, pipeTo: (sink) => relay.pipeTo(sink) };
  } catch (error) {
    stream?.discard(); // not handed over: the upstream is released here, the request settles as failed
    throw error;
  }
}

function recordRequest(record: LogRecord, input: ProxyInput): void {
  const { params, body } = input;
  record.customer_identifier = params.customer_identifier ?? null;
  record.custom_identifier = params.custom_identifier ?? null;
  record.thread_identifier = params.thread_identifier ?? null;
  record.group_identifier = params.group_identifier ?? null;
  record.metadata = params.metadata ?? null;
  const inputKey = input.endpoint.inputField;
  const rest: Record<string, unknown> = {};
  for (const key of Object.keys(body)) if (key !== inputKey) rest[key] = body[key];
  record.params = rest;
  if (!params.disable_log) record.input = (input.sent ?? body)[inputKey] ?? null;
}

function retryPolicy(base: RetryPolicy, requested: GatewayParams['retry_params']): RetryPolicy {
  if (!requested) return base;
  return {
    ...base,
    maxRetries: requested.retry_enabled === false ? 0 : (requested.num_retries ?? base.maxRetries),
    initialDelayMs: requested.retry_after !== undefined ? requested.retry_after * 1000 : base.initialDelayMs,
  };
}

export type { AnswerListener } from './answer-listener.js';
