import type { ModelResolver, RouteTarget } from './resolve-model.js';

export interface ChainTarget extends RouteTarget {
  /** The name as written by the caller or the configuration. */
  requested: string;
}

/**
 * The ordered list of targets to try: the requested model, the request's fallbacks, the model's
 * configured fallbacks, then the global fallbacks. The same provider/model is tried once.
 */
export function buildChain(
  resolver: ModelResolver,
  requested: string,
  requestFallbacks: readonly string[],
  globalFallbacks: readonly string[],
): ChainTarget[] {
  const first = resolver.require(requested);
  const chain: ChainTarget[] = [];
  const seen = new Set<string>();
  const push = (name: string, target: RouteTarget) => {
    const key = `${target.provider.id}\u0000${target.model}`;
    if (seen.has(key)) return;
    seen.add(key);
    chain.push({ ...target, requested: name });
  };
  push(requested, first);
  for (const name of requestFallbacks) push(name, resolver.require(name, 'fallback_models'));
  for (const name of first.fallbacks ?? []) {
    const target = resolver.resolve(name);
    if (target) push(name, target);
  }
  for (const name of globalFallbacks) {
    const target = resolver.resolve(name);
    if (target) push(name, target);
  }
  return chain;
}
