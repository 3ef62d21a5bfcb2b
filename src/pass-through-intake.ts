/**
 * The gateway's side of the pass-through (docs/passthrough.md): which paths may pass, which provider
 * takes a request, and its body read (JSON: without its gateway parameters) or streamed (anything
 * else). The engine's `passThrough` sends it.
 */
import type { GatewayRequest, GatewayResponse } from './contract.js';
import { passThrough, type PassThroughCall } from './engine/pass-through.js';
import type { EngineContext } from './engine/engine-context.js';
import { GatewayConfigError, GatewayError, invalidRequest, modelNotFound, toGatewayError } from './errors.js';
import { readJsonBody, type BodyLimits } from './http/read-json-body.js';
import { requestTooLarge, streamRequestBody } from './http/stream-request-body.js';
import type { RequestLog } from './logging/request-log.js';
import type { ParsedOptions } from './options.js';
import { readGatewayParams } from './params/read-gateway-params.js';
import type { Provider } from './providers/types.js';
import type { RouteTarget } from './routing/resolve-model.js';
import { checkRateLimit } from './traffic/plan-request.js';

export interface PassThroughSetup {
  /** Takes the requests that name no model. */
  provider?: Provider;
  /** Whether `/organization/...` admin paths pass. */
  organization: boolean;
}

/** `options.passthrough` checked at `createGateway`: its provider must be configured and speak OpenAI's API. */
export function passThroughSetup(
  options: ParsedOptions['passthrough'],
  providers: ReadonlyMap<string, Provider>,
): PassThroughSetup | undefined {
  if (!options) return undefined;
  if (options.provider === undefined) return { organization: options.organization ?? false };
  const provider = providers.get(options.provider);
  if (!provider)
    throw new GatewayConfigError(
      `Invalid modelgate options:\n  - passthrough.provider: \`${options.provider}\` is not a configured provider`,
    );
  if (!provider.passthroughTarget)
    throw new GatewayConfigError(
      `Invalid modelgate options:\n  - passthrough.provider: \`${options.provider}\` (${provider.kind}) does not speak OpenAI's API at its usual paths; name an OpenAI or OpenAI-compatible provider`,
    );
  return { provider, organization: options.organization ?? false };
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

export interface PassThroughInput {
  request: GatewayRequest;
  /** Normalised: no query, no `/v1`. */
  path: string;
  log: RequestLog;
  limits: BodyLimits;
  signal?: AbortSignal;
}

/** The first segments of OpenAI's admin API (the spec's `administration` group): admin keys, projects, roles, usage. */
const ADMIN_SEGMENTS = new Set(['organization', 'projects']);
/**
 * Where `metadata` is the API's own field (the objects it stores, per the OpenAPI spec): there it
 * goes upstream and the gateway's comes through the headers or `modelgate_params`. Elsewhere
 * (images, audio, completions, moderations, ...) it is the gateway's, as on chat.
 */
const STORES_METADATA = new Set([
  'assistants',
  'batches',
  'chat',
  'conversations',
  'evals',
  'fine_tuning',
  'threads',
  'vector_stores',
]);
const API_METADATA = ['metadata'];

export async function intakePassThrough(
  engine: EngineContext,
  setup: PassThroughSetup,
  { request, path, log, limits, signal }: PassThroughInput,
): Promise<GatewayResponse> {
  log.record.endpoint = 'passthrough';
  const segments = checkedSegments(path);
  if (ADMIN_SEGMENTS.has(segments[0].toLowerCase()) && !setup.organization)
    throw new GatewayError({
      status: 403,
      code: 'organization_not_allowed',
      message:
        'Admin paths (/organization/..., /projects/...) are not passed through; the operator enables them with `passthrough: { organization: true }`.',
    });
  const method = request.method.toUpperCase();
  const query = request.path.indexOf('?');
  const target = path + (query === -1 ? '' : request.path.slice(query));
  const contentType = String(request.headers['content-type'] ?? '');
  const provider = setup.provider;
  let json: string | undefined;
  let streamed: ReturnType<typeof streamRequestBody>;
  const jsonBody = WITH_BODY.has(method) && JSON_TYPE.test(contentType);
  const raw = jsonBody ? await readJsonBody(request, limits) : {};
  const apiFields = STORES_METADATA.has(segments[0]) ? API_METADATA : undefined;
  const { body, params } = readGatewayParams(raw, request.headers, apiFields);
  const { record } = log;
  record.customer_identifier = params.customer_identifier ?? null;
  record.custom_identifier = params.custom_identifier ?? null;
  record.thread_identifier = params.thread_identifier ?? null;
  record.group_identifier = params.group_identifier ?? null;
  record.metadata = params.metadata ?? null;
  const answerHeaders = await checkRateLimit(engine.traffic, params, record);
  const common = { method, target, headers: request.headers, log, signal, answerHeaders };
  if (jsonBody) {
    if (typeof body.model === 'string') {
      record.requested_model = body.model;
      return passModelChain(engine, modelChain(engine, body.model, params.fallback_models), body, common);
    }
    json = JSON.stringify(body);
  } else if (WITH_BODY.has(method)) {
    streamed = streamRequestBody(request, limits.limitBytes);
  }
  if (!provider) throw notConfigured(path);
  assertSpeaksOpenAI(provider, method, path);
  return passThrough(engine, {
    ...common,
    provider,
    json,
    stream: streamed?.stream,
    bytesIn: () => (json === undefined ? (streamed?.bytes() ?? 0) : Buffer.byteLength(json)),
    bodyFailure: () => (streamed?.overLimit() ? requestTooLarge(limits.limitBytes) : undefined),
  });
}

type CommonCall = Pick<PassThroughCall, 'method' | 'target' | 'headers' | 'log' | 'signal' | 'answerHeaders'>;

/** The model, the caller's `fallback_models`, the model's configured fallbacks and the global ones, each once. */
function modelChain(engine: EngineContext, model: string, requested: readonly string[] | undefined): RouteTarget[] {
  const first = engine.resolver.resolve(model);
  if (!first) throw modelNotFound(model, engine.resolver.hint());
  const chain = [first];
  for (const name of [...(requested ?? []), ...(first.fallbacks ?? []), ...engine.globalFallbacks]) {
    const next = engine.resolver.resolve(name);
    if (
      next &&
      next.provider.passthroughTarget &&
      !chain.some((t) => t.provider === next.provider && t.model === next.model)
    )
      chain.push(next);
  }
  return chain;
}

/**
 * A JSON body can be sent again: a failure before the answer started (a connection error, a 5xx,
 * a 429, a provider that does not speak OpenAI's API) goes on to the next model of the chain.
 */
async function passModelChain(
  engine: EngineContext,
  chain: readonly RouteTarget[],
  body: Record<string, unknown>,
  common: CommonCall,
): Promise<GatewayResponse> {
  for (let index = 0; ; index++) {
    const { provider, model } = chain[index];
    try {
      assertSpeaksOpenAI(provider, common.method, common.target.split('?')[0]);
      common.log.record.fallback_used = index > 0;
      const json = JSON.stringify({ ...body, model });
      return await passThrough(engine, {
        ...common,
        provider,
        model,
        json,
        bytesIn: () => Buffer.byteLength(json),
        bodyFailure: () => undefined,
      });
    } catch (error) {
      const failure = toGatewayError(error);
      if (index + 1 >= chain.length || !failure.fallback || common.signal?.aborted) throw error;
    }
  }
}

function assertSpeaksOpenAI(provider: Provider, method: string, path: string): void {
  if (!provider.passthroughTarget)
    throw new GatewayError({
      status: 400,
      code: 'unsupported_operation',
      fallback: true,
      message: `Provider \`${provider.id}\` (${provider.kind}) does not speak OpenAI's API: ${method} ${path} is not passed through to it.`,
    });
}

/**
 * The path's segments, decoded. A segment an upstream could resolve or split (`..`, `.`, an
 * encoded `/` or `\\`, an empty one) is refused: it could reach a path the checks here did not see
 * (`/files/%2e%2e/organization/users`).
 */
function checkedSegments(path: string): string[] {
  const segments = path.slice(1).split('/');
  return segments.map((segment) => {
    let decoded = segment;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      // left as sent: the upstream answers it
    }
    if (decoded === '' || decoded === '.' || decoded === '..' || /[\\/]/.test(decoded))
      throw invalidRequest(
        `The path \`${path.slice(0, 200)}\` has an empty, \`.\`, \`..\` or encoded-slash segment; it is not passed through.`,
        null,
        'invalid_request',
      );
    return decoded;
  });
}

function notConfigured(path: string): GatewayError {
  return new GatewayError({
    status: 404,
    code: 'passthrough_not_configured',
    message: `\`${path.slice(0, 200)}\` names no model, so it goes to the default pass-through provider, and none is configured: set \`passthrough: { provider: '<an OpenAI-compatible provider id>' }\`.`,
  });
}
