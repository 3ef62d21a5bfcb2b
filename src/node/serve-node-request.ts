/** A Node request served from IncomingMessage to ServerResponse. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayResponse, HandleContext } from '../contract.js';
import { internalError } from '../errors.js';
import type { Gateway } from '../gateway.js';
import { gatewayRequestFromNode } from './node-request.js';
import { requestSignal } from './request-signal.js';
import { writeNodeResponse } from './write-node-response.js';

/** The whole round trip for a Node request: the node adapter, Express and custom servers use it. */
export async function serveNodeRequest(
  gateway: Gateway,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  options: {
    parsedBody?: unknown;
    bodyBytes?: number;
    bodyError?: unknown;
    mount?: string;
    context?: Omit<HandleContext, 'signal'>;
  } = {},
): Promise<void> {
  const signal = requestSignal(response);
  let result: GatewayResponse;
  try {
    const gatewayRequest = gatewayRequestFromNode(request, path, options.parsedBody);
    if (options.bodyBytes !== undefined) gatewayRequest.bodyBytes = options.bodyBytes;
    if (options.bodyError !== undefined) gatewayRequest.bodyError = options.bodyError;
    if (options.mount) gatewayRequest.mount = options.mount;
    result = await gateway.handle(gatewayRequest, { ...options.context, signal });
  } catch (bug) {
    const error = internalError(bug);
    result = { kind: 'json', status: error.status, headers: {}, body: error.toJSON() };
  }
  await writeNodeResponse(response, result);
}
