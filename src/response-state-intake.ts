/**
 * The gateway's side of the response store (docs/responses.md, "State: the response store"): the
 * `responses.store` option, the `/responses/{id}` routes, `previous_response_id` rebuilt into the
 * conversation before a request goes on, and the answers of providers that keep no state of their
 * own (translated, bridged) stored once they are complete.
 */
import type { GatewayResponse } from './contract.js';
import type { EngineContext } from './engine/engine-context.js';
import { replayedStream } from './engine/serve-cached.js';
import { responses as responsesEndpoint } from './endpoints/responses/index.js';
import type { AnswerListener } from './engine/proxy-request.js';
import { servingOf, type ModelEndpoint } from './endpoints/index.js';
import { GatewayError, invalidRequest } from './errors.js';
import type { ErrorReporter } from './logging/emit-log.js';
import type { RequestLog } from './logging/request-log.js';
import type { ParsedOptions } from './options.js';
import { intakePassThrough, type PassThroughInput, type PassThroughSetup } from './pass-through-intake.js';
import { answerStateRoute, responseNotFound, type StateRoute } from './response-store/response-routes.js';
import { ResponseStore, tenantOf } from './response-store/response-store.js';
import { inputItems, type ServedBy, type StoredResponse } from './response-store/stored-response.js';
import type { ChainTarget } from './routing/build-chain.js';
import type { Store } from './store/store.js';

const DEFAULT_TTL_SECONDS = 86_400;
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

/** The response store of `options.responses.store`, in the gateway's store; undefined when it is off. */
export function responseStoreSetup(options: ParsedOptions['responses'], store: Store): ResponseStore | undefined {
  const setting = options?.store;
  if (!setting) return undefined;
  const settings = setting === true ? {} : setting;
  return new ResponseStore(store, {
    ttlMs: (settings.ttlSeconds ?? DEFAULT_TTL_SECONDS) * 1000,
    maxBytes: settings.maxBytes ?? DEFAULT_MAX_BYTES,
  });
}

/**
 * A `/responses/{id}` route: answered from the store when it holds the caller's response by that
 * id; else passed through to `passthrough.provider` (OpenAI's own ids), or a 404 in OpenAI's shape.
 */
export async function serveResponseState(
  engine: EngineContext,
  responses: ResponseStore,
  route: StateRoute,
  passthrough: PassThroughSetup | undefined,
  input: PassThroughInput,
): Promise<GatewayResponse> {
  const { request, log } = input;
  const query = request.path.indexOf('?');
  const search = new URLSearchParams(query === -1 ? '' : request.path.slice(query + 1));
  const answer = await answerStateRoute(responses, route, tenantOf(log.record), search, log.record);
  if (answer && route.action === 'retrieve' && search.get('stream') === 'true') {
    // The stored response as a short stream: created, each output item added and done, the terminal event.
    const frames = responsesEndpoint.stream.replay(answer, true);
    return replayedStream(frames, { 'x-request-id': log.id }, log, input.signal);
  }
  if (answer) {
    log.finish(200);
    return { kind: 'json', status: 200, headers: { 'x-request-id': log.id }, body: answer };
  }
  if (passthrough?.provider) return intakePassThrough(engine, passthrough, input);
  throw responseNotFound(route.id);
}

/** A `POST /responses` request as it goes on to the engine. */
export interface PreparedResponses {
  body: Record<string, unknown>;
  /** The body as the client sent it. */
  sent?: Record<string, unknown>;
  /** The deployment that served the previous response: tried first when the chain holds it. */
  prefer?: ServedBy;
  /** Stores the answer of a provider that keeps no state (undefined: nothing to store). */
  onAnswer?: AnswerListener;
  /** The rebuilt body without `previous_response_id` and the stored reasoning items, for upstreams serving the Responses API natively. */
  nativeBody?: Record<string, unknown>;
  /** A `previous_response_id` the gateway cannot rebuild: only OpenAI's own upstreams may take it. */
  nativeOnly?: (target: ChainTarget) => GatewayError;
}

/**
 * `previous_response_id` left in the body (the store is off, or holds no such response for this
 * caller): an upstream serving the Responses API natively may know it (OpenAI's own ids); one that
 * keeps no state gets this 400, which falls back to the next model.
 */
export function previousResponseRefusal(
  previousId: string,
  responses: ResponseStore | undefined,
): (target: ChainTarget) => GatewayError {
  return (target) => {
    const where = `\`${target.provider.id}\` (${target.provider.kind}) keeps no Responses state of its own`;
    const why = responses
      ? `is not in the gateway's response store for this caller (it expired, was deleted, was never stored, or belongs to another caller), and ${where}`
      : `cannot be continued: ${where}, and the gateway's response store is off. Turn it on with the \`responses: { store: true }\` option of createGateway (docs/responses.md) to continue conversations by id on any provider`;
    return new GatewayError({
      status: 400,
      code: 'previous_response_not_found',
      param: 'previous_response_id',
      fallback: true,
      message: `\`previous_response_id\` ${previousId.slice(0, 100)} ${why}; or send the whole conversation in \`input\`.`,
    });
  };
}

/** `previous_response_id` when the request has one: a non-empty string, or a 400 naming it. */
function previousIdOf(body: Record<string, unknown>): string | undefined {
  const id = body.previous_response_id;
  if (id === undefined || id === null) return undefined;
  if (typeof id !== 'string' || id === '')
    throw invalidRequest(
      '`previous_response_id` must be the id of a response (a non-empty string).',
      'previous_response_id',
    );
  return id;
}

/** `POST /responses` without a store: a `previous_response_id` can go only to OpenAI's own upstreams. */
export function statelessResponses(body: Record<string, unknown>): PreparedResponses {
  const previousId = previousIdOf(body);
  return typeof previousId === 'string'
    ? { body, nativeOnly: previousResponseRefusal(previousId, undefined) }
    : { body };
}

/**
 * `previous_response_id` the store holds for this caller: the conversation is rebuilt into `input`
 * and no upstream gets the id (none knows it): the bridge, which never sends it, keeps it to echo. One the store does not hold stays
 * in the body: OpenAI's own ids pass to OpenAI; a provider that keeps no state refuses it (400).
 */
export async function prepareResponses(
  responses: ResponseStore,
  endpoint: ModelEndpoint,
  sent: Record<string, unknown>,
  log: RequestLog,
  report: ErrorReporter,
): Promise<PreparedResponses> {
  const tenant = tenantOf(log.record);
  const previousId = previousIdOf(sent);
  const rebuilt = previousId === undefined ? undefined : await responses.rebuild(tenant, previousId, log.record);
  const nativeOnly = previousId !== undefined && !rebuilt ? previousResponseRefusal(previousId, responses) : undefined;
  let body = sent;
  let nativeBody: Record<string, unknown> | undefined;
  if (rebuilt) {
    const { previous_response_id: _previous, ...rest } = sent;
    const added = inputItems(sent.input);
    // The bridge keeps the id, which it never sends on (the answer echoes it, as OpenAI's does).
    body = { ...sent, input: [...rebuilt.items, ...added] };
    // A native upstream gets neither the id (not OpenAI's) nor the stored reasoning: a bridged
    // provider's signatures in the gateway's envelope, which OpenAI refuses.
    const readable = rebuilt.items.filter((item) => item.type !== 'reasoning');
    nativeBody = { ...rest, input: [...readable, ...added] };
  }
  // The log keeps the client's own input: a rebuilt conversation would grow every turn's record.
  const prepared = { body, sent, nativeBody, prefer: rebuilt?.served, nativeOnly };
  if (sent.store === false) return prepared;
  const onAnswer: AnswerListener = {
    // A native upstream keeps its own responses (and made the id): the gateway keeps only the others'.
    wants: (target) => servingOf(endpoint, target.provider) !== 'native',
    heard(answer, target) {
      if (typeof answer.id !== 'string') return;
      const stored: StoredResponse = {
        response: { ...answer, store: true, previous_response_id: previousId ?? null },
        input: inputItems(sent.input),
        chain: rebuilt?.chain ?? [],
        served: { provider: target.provider.id, model: target.model, deployment: target.deployment },
      };
      log.track(
        responses.save(tenant, stored, log.record).then(
          (kept) => {
            if (!kept)
              report(
                new Error(
                  `response ${answer.id as string} was not stored: larger than responses.store.maxBytes (${responses.settings.maxBytes} bytes)`,
                ),
                'responses',
              );
          },
          (error: unknown) => report(error, 'responses'),
        ),
      );
    },
  };
  return { ...prepared, onAnswer };
}
