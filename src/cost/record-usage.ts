import type { LogRecord } from '../logging/log-record.js';
import { toLogUsage, type NormalizedUsage } from '../usage.js';
import type { CostCalculator, PricedProvider } from './cost-calculator.js';

/**
 * Puts a request's usage and its cost (or why the cost is unknown) into its log record.
 * `unavailableReason` says why there is no usage when the provider knows better than "none reported".
 */
export function recordUsage(
  record: LogRecord,
  usage: NormalizedUsage | undefined,
  costs: CostCalculator,
  provider: PricedProvider,
  model: string,
  unavailableReason?: string,
): void {
  if (!usage) {
    record.usage = null;
    record.cost_usd = null;
    record.cost = null;
    record.cost_unavailable_reason =
      unavailableReason ?? `provider \`${provider.id}\` reported no token usage for this request`;
    return;
  }
  record.usage = toLogUsage(usage);
  const outcome = costs.cost(provider, model, usage);
  record.cost_usd = outcome.cost_usd;
  record.cost = outcome.cost_usd === null ? null : outcome.details;
  record.cost_unavailable_reason = outcome.cost_usd === null ? outcome.reason : null;
}
