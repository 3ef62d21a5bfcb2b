/**
 * `createGateway`: options checked once, then `handle(request, context)` serves the OpenAI-compatible
 * routes and resolves for every expected failure with an OpenAI-shaped error response.
 */
import { createAdmin } from './admin/admin-api.js';
import type { GatewayRequest, GatewayResponse, HandleContext } from './contract.js';
import { CostCalculator } from './cost/cost-calculator.js';
import { errorShapeFor, findRoute, type ErrorShape, type ModelEndpoint } from './endpoints/index.js';
import { closedMidway, errorResponse, outsideMount, unknownPath, wrongMethod } from './gateway-errors.js';
import { normalisePath, underMount } from './gateway-paths.js';
import { GatewayConfigError, GatewayError, toGatewayError } from './errors.js';
import { DEFAULT_RETRY_POLICY } from './engine/backoff.js';
import { RESPONSE_BODY_LIMIT, type EngineContext } from './engine/engine-context.js';
import { proxyRequest } from './engine/proxy-request.js';
import { createAuthorizer } from './http/authorize-request.js';
import { forwardedHeaders } from './http/forwarded-headers.js';
import { readJsonBody } from './http/read-json-body.js';
import { validateRequestBody } from './http/validate-request-body.js';
import type { ErrorReporter } from './logging/emit-log.js';
import { InFlight } from './logging/in-flight.js';
import { RequestLog } from './logging/request-log.js';
import { metricsResponse, normaliseMetricsPath } from './observe/metrics-route.js';
import { RequestObservation } from './observe/request-observation.js';
import { parseOptions, type GatewayOptions } from './options.js';
import { readGatewayParams } from './params/read-gateway-params.js';
import { createProviders, inProcessUpstreams } from './providers/create-providers.js';
import { ModelResolver } from './routing/resolve-model.js';
import { withInProcessUpstreams } from './transport/in-process-transport.js';
import { createUndiciTransport } from './transport/undici-transport.js';
import { intakePassThrough, passThroughSetup } from './pass-through-intake.js';
import { createTrafficContext } from './traffic/traffic-context.js';
import {
  prepareResponses,
  responseStoreSetup,
  serveResponseState,
  statelessResponses,
} from './response-state-intake.js';
import { stateRouteOf } from './response-store/response-routes.js';

export interface Gateway {
  /** Serves one request; rejects only on a bug. */
  handle(request: GatewayRequest, context?: HandleContext): Promise<GatewayResponse>;
  /**
   * Shuts down: new requests get a 503 `gateway_closed`; the requests under way may finish for up to
   * `timeoutMs` (default 10 s), then they are ended with that 503 (an error frame on a stream);
   * once every log record reached the sink, upstream sockets, the store and the sink are closed.
   */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;
/** After the cut: time for the ended requests' records to reach the sink. */
const CUT_GRACE_MS = 1_000;

const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;
const DEFAULT_TIMEOUTS = { requestMs: 600_000, firstByteMs: 300_000, idleMs: 120_000 };
/** 10 MB (the default body limit) at about 1.5 Mbit/s; a client trickling its body is cut off after it. */
const DEFAULT_BODY_READ_MS = 60_000;

export function createGateway(input: GatewayOptions): Gateway {
  const options = parseOptions(input);
  const providers = createProviders(options.providers);
  const resolver = new ModelResolver(providers, options.models);
  checkModelReferences(resolver, options);

  const report: ErrorReporter = (error, where) => {
    try {
      options.onError?.(error, where);
    } catch {
      // an error reporter that throws has nobody left to report to
    }
  };
  // The demo provider's upstream runs in process: its requests never reach the network transport.
  const network = options.transport ?? createUndiciTransport({ dispatcher: options.dispatcher as never });
  const transport = withInProcessUpstreams(network, inProcessUpstreams(options.providers));
  const costs = new CostCalculator(options.pricing);
  const traffic = createTrafficContext(options, providers, resolver, costs);
  const engine: EngineContext = {
    resolver,
    transport,
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    errorPolicy: {
      fallbackOnStatus: new Set(options.fallbackOnStatus ?? []),
      fallbackOnAuthError: options.fallbackOnAuthError ?? true,
    },
    timeouts: upstreamTimeouts(options.timeouts),
    globalFallbacks: options.fallbacks ?? [],
    strictParams: options.strictParams ?? false,
    costs,
    traffic,
    responseLimitBytes: options.responseLimitBytes ?? RESPONSE_BODY_LIMIT,
    liveScopes: new Set(),
    report,
  };
  const inFlight = new InFlight();
  // The admin API and dashboard (docs/dashboard.md); its log store listens as exporters do.
  const admin = options.admin && createAdmin(options.admin, options.logStore, traffic.customers, report);
  const authorize = createAuthorizer(options.gatewayKeys ?? [], options.authorize);
  const passthrough = passThroughSetup(options.passthrough, providers);
  const responseStore = responseStoreSetup(options.responses, traffic.calls.store);
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const bodyReadMs = options.timeouts?.bodyReadMs ?? DEFAULT_BODY_READ_MS;
  const listeners = admin ? [...(options.listeners ?? []), admin.listener] : (options.listeners ?? []);
  const metricsPath = options.metrics && normalisePath(normaliseMetricsPath(options.metrics.path));
  if (metricsPath !== undefined && (metricsPath === '/' || findRoute(metricsPath)))
    throw new GatewayConfigError(
      `Invalid modelgate options:\n  - metrics.path: \`${metricsPath}\` is a route the gateway serves; pick another (e.g. /metrics)`,
    );
  const kindOf = (id: string) => providers.get(id)?.kind;
  let closed = false;
  let closing: Promise<void> | undefined;

  async function handle(request: GatewayRequest, context: HandleContext = {}): Promise<GatewayResponse> {
    const mounted = request.mount ? underMount(request.path, request.mount) : request.path;
    const path = normalisePath(mounted ?? request.path);
    // Admin requests are not LLM traffic: they leave no log record.
    if (admin && mounted !== undefined && !closed && admin.owns(path)) return admin.handle(request, path);
    inFlight.start();
    const log = new RequestLog(request.method, path, options.onLog, report, inFlight.end);
    /** How this request's errors look (its route's shape); found with the route. */
    let errorShape: ErrorShape | undefined = errorShapeFor(path, undefined);
    log.record.principal = context.principal ?? null;
    log.record.host_metadata = context.metadata ?? null;
    const observation = RequestObservation.wanted(listeners)
      ? new RequestObservation(
          listeners,
          report,
          {
            id: log.id,
            method: request.method,
            path,
            headers: request.headers,
            startedAt: log.startedAt,
            record: log.record,
          },
          kindOf,
        )
      : undefined;
    if (observation) log.onFinal = (record, logged) => observation.end(record, logged);
    try {
      if (closed)
        throw new GatewayError({
          status: 503,
          code: 'gateway_closed',
          message: 'This gateway was closed (gateway.close()); it serves no more requests.',
        });
      if ('contextError' in context) throw context.contextError;
      if (mounted === undefined) throw outsideMount(request.path, request.mount!);
      if (path === metricsPath) {
        log.record.endpoint = 'metrics';
        observation?.start();
        if (request.method.toUpperCase() !== 'GET') throw wrongMethod(request.method, 'GET', path);
        if (!options.metrics!.public) log.record.gateway_key = (await authorize(request, path)).gatewayKey ?? null;
        const response = await metricsResponse(options.metrics!.collect, log.id);
        log.finish(200);
        return response;
      }
      const route = findRoute(path);
      errorShape = errorShapeFor(path, route);
      // `GET /responses/{id}` and the like, with the response store on.
      const stateRoute = responseStore && !route ? stateRouteOf(request.method, path) : undefined;
      const methodServed =
        stateRoute !== undefined || (route !== undefined && request.method.toUpperCase() === route.endpoint.method);
      // With `passthrough`, the rest of OpenAI's API (GET /chat/completions, DELETE /models/{id}) passes.
      // Not under another API's routes (`/anthropic/...`): those are no OpenAI paths.
      const passes = passthrough !== undefined && path !== '/' && !methodServed && errorShape === undefined;
      if (!route && !passes && !stateRoute) throw unknownPath(path);
      log.record.endpoint = passes ? 'passthrough' : stateRoute ? 'responses' : route!.endpoint.id;
      observation?.start();
      if (!methodServed && !passes) throw wrongMethod(request.method, route!.endpoint.method, path);
      const auth = await authorize(request, path);
      log.record.gateway_key = auth.gatewayKey ?? null;
      if (auth.principal !== undefined) log.record.principal = auth.principal;
      if (auth.metadata !== undefined) log.record.host_metadata = { ...context.metadata, ...auth.metadata };
      if (passes || stateRoute) {
        const intake = { request, path, log, limits: bodyLimits(log), signal: context.signal };
        return stateRoute
          ? await serveResponseState(engine, responseStore!, stateRoute, passthrough, intake)
          : await intakePassThrough(engine, passthrough!, intake);
      }
      const { endpoint } = route!;

      if (endpoint.kind === 'local') {
        const query = new URLSearchParams(
          request.path.includes('?') ? request.path.slice(request.path.indexOf('?') + 1) : '',
        );
        const body = endpoint.answer({ resolver, groups: options.loadBalanceGroups ?? {}, query }, route!.item);
        log.finish(200);
        return { kind: 'json', status: 200, headers: { 'x-request-id': log.id }, body };
      }
      return await serveModelRoute(endpoint, request, log, context, observation);
    } catch (thrown) {
      const error = toGatewayError(thrown);
      if (!GatewayError.isInstance(thrown))
        report(thrown, 'contextError' in context && thrown === context.contextError ? 'context' : 'handle');
      log.finish(error.status, error, error.code === 'client_closed_request');
      return errorResponse(error, log, errorShape);
    }
  }

  /** A model route's request: its body read and checked, its gateway parameters taken, then the engine. */
  async function serveModelRoute(
    endpoint: ModelEndpoint,
    request: GatewayRequest,
    log: RequestLog,
    context: HandleContext,
    observation: RequestObservation | undefined,
  ): Promise<GatewayResponse> {
    const raw = await readJsonBody(request, bodyLimits(log));
    if (typeof raw.model === 'string') log.record.requested_model = raw.model;
    const { params, body } = readGatewayParams(raw, request.headers, (endpoint as ModelEndpoint).apiFields);
    // A load balance group may stand in for the model.
    const modelOptional =
      params.load_balance_group !== undefined ||
      params.load_balance_models !== undefined ||
      params.loadbalance_models !== undefined;
    validateRequestBody(body, modelOptional);
    endpoint.validate(body);
    const prepared =
      endpoint.id !== 'responses'
        ? { body }
        : responseStore
          ? await prepareResponses(responseStore, endpoint, body, log, report)
          : statelessResponses(body);
    const headers = forwardedHeaders(request, (endpoint as ModelEndpoint).forwardHeaders);
    return await proxyRequest(engine, {
      ...prepared,
      endpoint,
      params,
      log,
      signal: context.signal,
      observation,
      headers,
    });
  }

  /** Limits of a body read; the read counts against the request's deadline (the engine's runs from the same start). */
  function bodyLimits(log: RequestLog) {
    const readTimeoutMs = Math.min(bodyReadMs, engine.timeouts.requestMs - (performance.now() - log.startedAt));
    return { limitBytes: bodyLimit, readTimeoutMs };
  }

  async function shutDown(timeoutMs: number): Promise<void> {
    if (!(await inFlight.whenIdle(timeoutMs))) {
      for (const scope of engine.liveScopes) scope.end(closedMidway());
      if (!(await inFlight.whenIdle(CUT_GRACE_MS)))
        report(
          new Error(`gateway.close(): ${inFlight.size} request(s) still had no log record after the cut`),
          'close',
        );
    }
    await Promise.allSettled([transport.close(), traffic.store.close()]);
    // Last, once every record is in: a sink closed earlier would refuse them.
    const sink = options.onLog as { close?: () => Promise<void> } | undefined;
    if (typeof sink?.close === 'function') await sink.close().catch((error: unknown) => report(error, 'onLog'));
    for (const listener of listeners)
      if (typeof listener.close === 'function')
        await Promise.resolve()
          .then(() => listener.close!())
          .catch((error: unknown) => report(error, 'listener'));
  }

  return {
    handle,
    close(closeOptions = {}) {
      closed = true;
      closing ??= shutDown(closeOptions.timeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
      return closing;
    },
  };
}

function upstreamTimeouts(timeouts: ReturnType<typeof parseOptions>['timeouts']): EngineContext['timeouts'] {
  const { requestMs, firstByteMs, idleMs } = { ...DEFAULT_TIMEOUTS, ...timeouts };
  return { requestMs, firstByteMs, idleMs };
}

/** Aliases and fallbacks must name routable models, or `createGateway` says which one does not. */
function checkModelReferences(resolver: ModelResolver, options: ReturnType<typeof parseOptions>): void {
  const problems: string[] = [];
  for (const [alias, config] of Object.entries(options.models ?? {})) {
    if (!resolver.resolve(config.target))
      problems.push(`models.${alias}.target: \`${config.target}\` does not route to a configured provider`);
    config.fallbacks?.forEach((name, index) => {
      if (!resolver.resolve(name))
        problems.push(`models.${alias}.fallbacks.${index}: \`${name}\` does not route to a configured provider`);
    });
  }
  options.fallbacks?.forEach((name, index) => {
    if (!resolver.resolve(name))
      problems.push(`fallbacks.${index}: \`${name}\` does not route to a configured provider`);
  });
  for (const [group, config] of Object.entries(options.loadBalanceGroups ?? {})) {
    if (options.models && Object.hasOwn(options.models, group))
      problems.push(`loadBalanceGroups.${group}: the name is also a model alias; pick another`);
    config.models.forEach(({ model }, index) => {
      if (!resolver.resolve(model))
        problems.push(
          `loadBalanceGroups.${group}.models.${index}: \`${model}\` does not route to a configured provider`,
        );
    });
  }
  if (problems.length)
    throw new GatewayConfigError(`Invalid modelgate options:\n${problems.map((line) => `  - ${line}`).join('\n')}`);
}
