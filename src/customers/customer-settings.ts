/**
 * A request's customer and its limits. A customer in the `customers` option is the operator's:
 * its entry is the whole of its settings, and a request's `customer_params` cannot add, loosen or
 * move any limit (a caller naming another `budget_duration` would otherwise get a fresh bucket);
 * only a name and an email the operator left out come from the request. A customer the operator
 * does not know is described by `customer_params` alone. Undefined when the request names no
 * customer or the customer has no limit, so such requests cost no store call.
 */
import { invalidRequest } from '../errors.js';
import type { GatewayParams } from '../params/gateway-params.js';
import type { CustomerOptions } from '../traffic/traffic-options.js';
import type { BudgetDuration } from './budget-period.js';

export interface CustomerSettings {
  id: string;
  /** In the operator's `customers`; otherwise the id and the limits are the caller's own. */
  configured: boolean;
  name?: string;
  email?: string;
  periodBudget?: number;
  budgetDuration: BudgetDuration;
  totalBudget?: number;
  rateLimit?: number;
  markupPercentage: number;
}

export function customerSettings(
  configured: Readonly<Record<string, CustomerOptions>>,
  params: GatewayParams,
): CustomerSettings | undefined {
  const requested = params.customer_params;
  const id = requested?.customer_identifier ?? params.customer_identifier;
  if (id === undefined) {
    if (
      requested &&
      (requested.rate_limit !== undefined ||
        requested.period_budget !== undefined ||
        requested.total_budget !== undefined)
    ) {
      throw invalidRequest(
        '`customer_params` with limits needs a `customer_identifier`.',
        'customer_params.customer_identifier',
      );
    }
    return undefined;
  }
  const own = Object.hasOwn(configured, id) ? configured[id] : undefined;
  if (own) {
    return {
      id,
      configured: true,
      name: own.name ?? requested?.name,
      email: own.email ?? requested?.email,
      periodBudget: own.periodBudget,
      budgetDuration: own.budgetDuration ?? 'monthly',
      totalBudget: own.totalBudget,
      rateLimit: own.rateLimit,
      markupPercentage: own.markupPercentage ?? 0,
    };
  }
  if (!requested) return undefined;
  return {
    id,
    configured: false,
    name: requested.name,
    email: requested.email,
    periodBudget: requested.period_budget,
    budgetDuration: requested.budget_duration ?? 'monthly',
    totalBudget: requested.total_budget,
    rateLimit: requested.rate_limit,
    markupPercentage: requested.markup_percentage ?? 0,
  };
}

export function hasBudget(settings: CustomerSettings): boolean {
  return settings.periodBudget !== undefined || settings.totalBudget !== undefined;
}
