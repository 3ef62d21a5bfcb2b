/**
 * The routes the gateway serves, one record each (`./endpoint.ts` says what a record holds). The
 * gateway finds a request's record here; the 404 for an unknown path lists them.
 */
import { anthropicModels } from './anthropic-messages/anthropic-models.js';
import { anthropicErrors } from './anthropic-messages/anthropic-errors.js';
import { anthropicCountTokens, anthropicMessages } from './anthropic-messages/index.js';
import { GatewayError } from '../errors.js';
import type { Provider } from '../providers/types.js';
import { chatCompletions } from './chat-completions/index.js';
import { embeddings } from './embeddings.js';
import { servingOf, type Endpoint, type ErrorShape, type ModelEndpoint } from './endpoint.js';
import { models } from './models.js';
import { responses } from './responses/index.js';

export const ENDPOINTS = [
  chatCompletions,
  responses,
  embeddings,
  models,
  anthropicMessages,
  anthropicCountTokens,
  anthropicModels,
] as const;

/** One of the listed records (narrowed by `kind`, each keeps its own literal types). */
export type ListedEndpoint = (typeof ENDPOINTS)[number];

/** Found once per route, not per request. */
const BY_PATH = new Map<string, FoundRoute>(ENDPOINTS.map((endpoint) => [endpoint.path, { endpoint }]));
const WITH_ITEMS = ENDPOINTS.filter((endpoint) => endpoint.kind === 'local' && endpoint.hasItems);

export interface FoundRoute {
  readonly endpoint: ListedEndpoint;
  /** The decoded `{item}` of `path/{item}` (`GET /models/{model}`). */
  readonly item?: string;
}

/** The record serving a path (normalised: no query, no trailing slash, no `/v1`), or undefined. */
export function findRoute(path: string): FoundRoute | undefined {
  for (const endpoint of WITH_ITEMS) {
    if (path.startsWith(endpoint.path) && path[endpoint.path.length] === '/')
      return { endpoint, item: safeDecode(path.slice(endpoint.path.length + 1)) };
  }
  return BY_PATH.get(path);
}

/**
 * How errors look for a path: its route's shape; under `/anthropic/` (a path no route serves, a
 * wrong method) Anthropic's, since only Anthropic clients call there; else OpenAI's (undefined).
 */
export function errorShapeFor(path: string, route: FoundRoute | undefined): ErrorShape | undefined {
  if (route) return (route.endpoint as Endpoint).errors;
  return path === '/anthropic' || path.startsWith('/anthropic/') ? anthropicErrors : undefined;
}

/** `POST /chat/completions, POST /responses, POST /embeddings and GET /models`, and the Anthropic routes. */
export const SERVED_ROUTES = listed(ENDPOINTS.map((endpoint) => `${endpoint.method} ${endpoint.path}`));

/** Why a provider is refused a route (see `servingOf`): a 400 that falls back to the next model. */
export function notServedBy(endpoint: ModelEndpoint, provider: Provider): GatewayError {
  const served = ENDPOINTS.filter((other) => other.kind === 'model' && servingOf(other, provider) !== undefined);
  const instead = served.length ? `; it serves ${listed(served.map((other) => `${other.method} ${other.path}`))}` : '';
  return new GatewayError({
    status: 400,
    code: 'unsupported_operation',
    fallback: true,
    message: `Provider \`${provider.id}\` (${provider.kind}) does not serve ${endpoint.method} ${endpoint.path}${instead}.`,
  });
}

function listed(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export type { Endpoint, EndpointId, ErrorShape, LocalEndpoint, ModelEndpoint, StreamFormat } from './endpoint.js';
export { servingOf } from './endpoint.js';
