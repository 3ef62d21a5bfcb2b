/**
 * One attempt of a non-streaming call that the provider may split into several upstream requests
 * (Bedrock Titan embeds one text per request). The parts go out concurrently, a few at a time, under
 * the request's one deadline; the first failure fails the attempt (no new part starts after it) and
 * the chain retries or falls back as for any attempt. Calls that are not split take the usual path.
 */
import type { ModelEndpoint } from '../endpoints/index.js';
import type { ChainTarget } from '../routing/build-chain.js';
import type { EngineContext } from './engine-context.js';
import type { RequestScope } from './request-scope.js';
import type { RouteCall } from './route-call.js';
import { sendForJson, type JsonOutcome } from './send-attempt.js';

/**
 * Parts in flight at once: enough to hide one request's latency behind others, few enough not to
 * trip the upstream's per-second quota by itself.
 */
const PART_CONCURRENCY = 8;

export async function sendJsonCall(
  engine: EngineContext,
  endpoint: ModelEndpoint,
  target: ChainTarget,
  routed: RouteCall,
  scope: RequestScope,
): Promise<JsonOutcome> {
  const split = routed.call.stream ? undefined : target.provider.splitCall?.(routed.call);
  if (!split) return sendForJson(engine, endpoint, target, routed, scope);
  const { calls } = split;
  const parts = new Array<JsonOutcome>(calls.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < calls.length) {
      const index = next++;
      try {
        parts[index] = await sendForJson(engine, endpoint, target, { ...routed, call: calls[index] }, scope);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PART_CONCURRENCY, calls.length) }, worker));
  return { ...split.join(parts), droppedParams: parts[0]?.droppedParams };
}
