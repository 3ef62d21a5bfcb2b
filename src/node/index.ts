/**
 * The Node host layer: the building blocks every Node-based adapter shares (node:http, Express,
 * Koa), public as `modelgate/node` so that custom Node servers can use them too. It sits above the
 * core and speaks to it through the core contract only (src/contract.ts); the core never imports it.
 */
export { gatewayRequestFromNode, keptBodyBytes, stillReceiving } from './node-request.js';
export { requestSignal } from './request-signal.js';
export { writeNodeResponse } from './write-node-response.js';
export { serveNodeRequest } from './serve-node-request.js';
// What Express's and Koa's body parsers throw, told apart from a host's other errors: the core
// answers such an error (GatewayRequest.bodyError) with the same table (src/http/host-parser-error.ts).
export { isBodyParserError } from '../http/host-parser-error.js';
