/**
 * The routes of a stored response: `GET /responses/{id}`, `DELETE /responses/{id}`,
 * `GET /responses/{id}/input_items` and `POST /responses/{id}/cancel`, answered from the response
 * store in OpenAI's shapes. An id the store does not hold for the caller is not answered here
 * (undefined): the gateway passes it through to OpenAI, whose ids those are, or answers 404.
 */
import { GatewayError, invalidRequest } from '../errors.js';
import type { LogRecord } from '../logging/log-record.js';
import type { ResponseStore } from './response-store.js';
import { listedItem } from './stored-response.js';

export type StateAction = 'retrieve' | 'delete' | 'input_items' | 'cancel';

export interface StateRoute {
  action: StateAction;
  /** The response id, decoded. */
  id: string;
}

const ITEM = /^\/responses\/([^/]+)(\/input_items|\/cancel)?$/;

/** The stored-response route a request names, or undefined (then it is not one of these). */
export function stateRouteOf(method: string, path: string): StateRoute | undefined {
  const match = ITEM.exec(path);
  if (!match) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
  const verb = method.toUpperCase();
  if (match[2] === '/input_items') return verb === 'GET' ? { action: 'input_items', id } : undefined;
  if (match[2] === '/cancel') return verb === 'POST' ? { action: 'cancel', id } : undefined;
  if (verb === 'GET') return { action: 'retrieve', id };
  if (verb === 'DELETE') return { action: 'delete', id };
  return undefined;
}

/** The answer from the store, or undefined when the tenant has no response by that id. */
export async function answerStateRoute(
  responses: ResponseStore,
  route: StateRoute,
  tenant: string,
  query: URLSearchParams,
  record: LogRecord,
): Promise<Record<string, unknown> | undefined> {
  if (route.action === 'delete') {
    if (!(await responses.remove(tenant, route.id, record))) return undefined;
    return { id: route.id, object: 'response.deleted', deleted: true };
  }
  const stored = await responses.load(tenant, route.id, record);
  if (!stored) return undefined;
  if (route.action === 'retrieve') return stored.response;
  if (route.action === 'cancel')
    // OpenAI cancels only `background` responses; the gateway's are answered in full before they are stored.
    throw new GatewayError({
      status: 400,
      code: 'response_not_cancellable',
      message: `Response ${route.id.slice(0, 100)} cannot be cancelled: only responses created with \`background: true\` can be, and this one has finished (status ${String(stored.response.status)}).`,
    });
  return listInputItems(
    stored.input.map((item, index) => listedItem(item, route.id, index)),
    query,
  );
}

/** OpenAI's list shape, with its `limit` (1 to 100, default 20), `order` (default `desc`) and `after`. */
function listInputItems(items: Array<Record<string, unknown>>, query: URLSearchParams): Record<string, unknown> {
  const limitText = query.get('limit');
  const limit = limitText === null ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw invalidRequest('`limit` must be an integer from 1 to 100.', 'limit');
  const order = query.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw invalidRequest('`order` must be `asc` or `desc`.', 'order');
  const ordered = order === 'asc' ? items : [...items].reverse();
  const after = query.get('after');
  let start = 0;
  if (after !== null) {
    const at = ordered.findIndex((item) => item.id === after);
    if (at === -1) throw invalidRequest(`\`after\`: no input item ${after.slice(0, 100)} in this response.`, 'after');
    start = at + 1;
  }
  const data = ordered.slice(start, start + limit);
  return {
    object: 'list',
    data,
    first_id: data.length ? data[0].id : null,
    last_id: data.length ? data[data.length - 1].id : null,
    has_more: start + limit < ordered.length,
  };
}

/** OpenAI's answer for an id it does not know, when nothing passes the request on. */
export function responseNotFound(id: string): GatewayError {
  return new GatewayError({
    status: 404,
    type: 'invalid_request_error',
    code: 'response_not_found',
    message: `Response with id '${id.slice(0, 200)}' not found.`,
  });
}
