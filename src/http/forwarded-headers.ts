/**
 * The client's request headers a route passes to upstreams that take its wire format natively
 * (`ModelEndpoint.forwardHeaders`: Anthropic's `anthropic-version` and `anthropic-beta`).
 */
import type { GatewayRequest } from '../contract.js';

/** The named headers the request has (repeated ones joined by commas), or undefined when the route names none. */
export function forwardedHeaders(
  request: GatewayRequest,
  names: readonly string[] | undefined,
): Record<string, string> | undefined {
  if (!names) return undefined;
  const headers: Record<string, string> = {};
  for (const name of names) {
    const value = request.headers[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}
