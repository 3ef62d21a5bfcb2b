/**
 * What one attempt asks of its provider, by how the provider serves the route (`servingOf`): the
 * route's body as is (`native`), for the provider's own converters (`translated`), or through chat
 * completions by the route's bridge (`bridged`), whose answer the bridge turns back into the route's.
 */
import { chatCompletions } from '../endpoints/chat-completions/index.js';
import { notServedBy, servingOf, type ModelEndpoint } from '../endpoints/index.js';
import type { BridgeTarget, ChatBridge, Serving } from '../endpoints/endpoint.js';
import type { ProviderCall } from '../providers/types.js';
import type { ChainTarget } from '../routing/build-chain.js';

export interface RouteCall {
  call: ProviderCall;
  serving: Serving;
  /** Whether the provider's converters read the upstream's answer (its wire format is not the call's). */
  converts: boolean;
  /** How a bridged call's chat answer becomes the route's. */
  bridged?: BridgedCall;
  /** The gateway's own answer for a provider that does not serve the route (`ModelEndpoint.estimate`): nothing is sent. */
  estimate?: Record<string, unknown>;
}

export interface BridgedCall {
  bridge: ChatBridge;
  /** The route's request, as the client sent it (gateway parameters removed). */
  request: Record<string, unknown>;
  target: BridgeTarget;
}

/** How one request's calls are built, beside its body. */
export interface CallSettings {
  stream: boolean;
  strictParams: boolean;
  /** Fields the route's stream needs from this upstream (its usage), for calls in the route's own format. */
  extra?: Record<string, unknown>;
  /** The gateway keeps the answer (an answer listener wants it), which a bridged answer says. */
  kept?: boolean;
  /** The client's headers the route forwards to upstreams that take its wire format natively. */
  headers?: Readonly<Record<string, string>>;
}

/**
 * The call for one target; throws the 400 `unsupported_operation` (which falls back) for a provider
 * that does not serve the route, and the bridge's 400 for what chat cannot carry. A route with an
 * `estimate` answers providers that do not serve it itself (`RouteCall.estimate`).
 */
export function routeCall(
  endpoint: ModelEndpoint,
  target: ChainTarget,
  body: Record<string, unknown>,
  { stream, strictParams, extra, kept = false, headers }: CallSettings,
): RouteCall {
  const provider = target.provider;
  const model = target.model;
  const serving = servingOf(endpoint, provider);
  if (serving === undefined && endpoint.estimate && !stream) {
    const call = { operation: endpoint.operation, model, body, stream, strictParams };
    return { call, serving: 'native', converts: false, estimate: endpoint.estimate(body) };
  }
  if (serving === undefined) throw notServedBy(endpoint, provider);
  if (serving !== 'bridged') {
    const call: ProviderCall = {
      operation: endpoint.operation,
      model,
      body: { ...target.params, ...body, ...extra, model },
      stream,
      strictParams,
    };
    // The client's own headers of the route's wire format, for an upstream that speaks it.
    if (serving === 'native' && headers) call.headers = headers;
    return { call, serving, converts: serving === 'translated' };
  }
  const bridge = endpoint.bridge!;
  const converts = servingOf(chatCompletions, provider) === 'translated';
  const bridgeTarget: BridgeTarget = { providerId: provider.id, providerKind: provider.kind, model, kept };
  if (converts) (bridgeTarget as { translatesChat?: true }).translatesChat = true;
  const chat: Record<string, unknown> = { ...target.params, ...bridge.toChat(body, bridgeTarget), model };
  if (stream) {
    chat.stream = true;
    // The bridge reads the usage from chat's last chunk: an upstream that sends it only when asked is asked.
    if (!converts && provider.streamUsage === 'request') Object.assign(chat, chatCompletions.stream.askForUsage(chat));
  } else delete chat.stream;
  return {
    call: { operation: bridge.operation ?? 'chat', model, body: chat, stream, strictParams },
    serving,
    converts,
    bridged: { bridge, request: body, target: bridgeTarget },
  };
}
