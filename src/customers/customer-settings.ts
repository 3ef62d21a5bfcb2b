/**
 * A request's customer and its limits: `customer_params` from the request, under the customer's
 * entry in the `customers` option (the operator's settings win). Undefined when the request names
 * no customer or the customer has no limit, so such requests cost no store call.
 */
import { invalidRequest } from '../errors.js';
import type { GatewayParams } from '../params/gateway-params.js';
import type { CustomerOptions } from '../traffic/traffic-options.js';
import type { BudgetDuration } from './budget-period.js';

export interface CustomerSettings {
  id: string;
  name?: string;
  email?: string;
  periodBudget?: number;
  budgetDuration: BudgetDuration;
  totalBudget?: number;
  rateLimit?: number;
  markupPercentage: number;
}

export function customerSettings(configured: Readonly<Record<string, CustomerOptions>>, params: GatewayParams): CustomerSettings | undefined {
  const requested = params.customer_params;
  const id = requested?.customer_identifier ?? params.customer_identifier;
  if (id === undefined) {
    if (requested && (requested.rate_limit !== undefined || requested.period_budget !== undefined || requested.total_budget !== undefined)) {
      throw invalidRequest('`customer_params` with limits needs a `customer_identifier`.', 'customer_params.customer_identifier');
    }
    return undefined;
  }
  const own = Object.hasOwn(configured, id) ? configured[id] : undefined;
  if (!own && !requested) return undefined;
  const pick = <T>(fromOptions: T | undefined, fromRequest: T | undefined) => (fromOptions !== undefined ? fromOptions : fromRequest);
  const settings: CustomerSettings = {
    id,
    name: pick(own?.name, requested?.name),
    email: pick(own?.email, requested?.email),
    periodBudget: pick(own?.periodBudget, requested?.period_budget),
    budgetDuration: pick(own?.budgetDuration, requested?.budget_duration) ?? 'monthly',
    totalBudget: pick(own?.totalBudget, requested?.total_budget),
    rateLimit: pick(own?.rateLimit, requested?.rate_limit),
    markupPercentage: pick(own?.markupPercentage, requested?.markup_percentage) ?? 0,
  };
  return settings;
}

export function hasBudget(settings: CustomerSettings): boolean {
  return settings.periodBudget !== undefined || settings.totalBudget !== undefined;
}
