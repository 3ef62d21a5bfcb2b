/**
 * Upstreams served in the gateway's own process (the demo): the requests whose URL starts with
 * one of their origins go to them, the rest to the network transport. The engine sees one
 * `send()`, and providers stay pure: a provider served in process is an ordinary provider whose
 * base URL is such an origin.
 */
import type { SendOptions, Transport, UpstreamRequest, UpstreamResponse } from './types.js';

/** `network` itself when there is no in-process upstream: nothing is added to the path of a request. */
export function withInProcessUpstreams(network: Transport, upstreams: ReadonlyMap<string, Transport>): Transport {
  if (upstreams.size === 0) return network;
  const routes = [...upstreams].map(([origin, transport]) => ({ prefix: `${origin.replace(/\/+$/, '')}/`, transport }));
  return {
    send(request: UpstreamRequest, options: SendOptions): Promise<UpstreamResponse> {
      for (const route of routes)
        if (request.url.startsWith(route.prefix)) return route.transport.send(request, options);
      return network.send(request, options);
    },
    async close() {
      await Promise.allSettled([network.close(), ...routes.map((route) => route.transport.close())]);
    },
  };
}
