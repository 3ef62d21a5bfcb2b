/**
 * Affinity: the deployments of one provider/model moved to the front of a chain, the rest in their
 * order. A conversation continued through the response store goes back to the model that served
 * it, whose reasoning signatures only it can read; a chain that does not hold it is left as it is.
 */
import type { ChainTarget } from './build-chain.js';

export function preferTarget(chain: ChainTarget[], preferred: { provider: string; model: string }): ChainTarget[] {
  const matches = (target: ChainTarget) =>
    target.provider.id === preferred.provider && target.model === preferred.model;
  const first = chain.filter(matches);
  if (!first.length || chain[0] === first[0]) return chain;
  return [...first, ...chain.filter((target) => !matches(target))];
}
