/**
 * `GET {mount}/admin/customers`: every customer the operator configured and every customer seen in
 * the kept records, with their limits, their spend and rate-limit state as the store reported them
 * on the customer's latest request, and what the kept records add up to.
 */
import type { CustomerLog, LogRecord } from '../logging/log-record.js';
import type { CustomerOptions } from '../traffic/traffic-options.js';

export interface CustomerView {
  customer_identifier: string;
  name: string | null;
  email: string | null;
  /** In the operator's `customers` option (otherwise its limits came with its requests). */
  configured: boolean;
  limits: {
    rate_limit_per_minute: number | null;
    period_budget_usd: number | null;
    budget_duration: string | null;
    total_budget_usd: number | null;
    markup_percentage: number;
  };
  /** The store's numbers as of `as_of` (the customer's latest request that carried them). */
  state: {
    as_of: string | null;
    period_spent_usd: number | null;
    period_resets_at: string | null;
    total_spent_usd: number | null;
    rate_limit_remaining: number | null;
  };
  /** Counted from the kept records. */
  logged: {
    requests: number;
    errors: number;
    cost_usd: number;
    requests_last_minute: number;
    last_seen: string | null;
  };
}

export function customersView(
  configured: Readonly<Record<string, CustomerOptions>>,
  records: readonly LogRecord[],
  now = Date.now(),
): CustomerView[] {
  const views = new Map<string, CustomerView>();
  for (const [id, options] of Object.entries(configured)) views.set(id, configuredView(id, options));
  // Newest first: the first record seen with a customer section is the latest state.
  for (const record of records) {
    const id = record.customer_identifier;
    if (id === null) continue;
    let view = views.get(id);
    if (!view) views.set(id, (view = emptyView(id, false)));
    const logged = view.logged;
    logged.requests++;
    if (record.status !== 'success') logged.errors++;
    logged.cost_usd = Math.round((logged.cost_usd + (record.cost_usd ?? 0)) * 1e9) / 1e9;
    if (now - Date.parse(record.start_time) < 60_000) logged.requests_last_minute++;
    logged.last_seen ??= record.start_time;
    if (record.customer && view.state.as_of === null) applyCustomerLog(view, record.customer, record.start_time);
  }
  return [...views.values()].sort((a, b) => a.customer_identifier.localeCompare(b.customer_identifier));
}

function configuredView(id: string, options: CustomerOptions): CustomerView {
  const view = emptyView(id, true);
  view.name = options.name ?? null;
  view.email = options.email ?? null;
  view.limits = {
    rate_limit_per_minute: options.rateLimit ?? null,
    period_budget_usd: options.periodBudget ?? null,
    budget_duration: options.periodBudget !== undefined ? (options.budgetDuration ?? 'monthly') : null,
    total_budget_usd: options.totalBudget ?? null,
    markup_percentage: options.markupPercentage ?? 0,
  };
  return view;
}

function emptyView(id: string, configured: boolean): CustomerView {
  return {
    customer_identifier: id,
    name: null,
    email: null,
    configured,
    limits: {
      rate_limit_per_minute: null,
      period_budget_usd: null,
      budget_duration: null,
      total_budget_usd: null,
      markup_percentage: 0,
    },
    state: {
      as_of: null,
      period_spent_usd: null,
      period_resets_at: null,
      total_spent_usd: null,
      rate_limit_remaining: null,
    },
    logged: { requests: 0, errors: 0, cost_usd: 0, requests_last_minute: 0, last_seen: null },
  };
}

function applyCustomerLog(view: CustomerView, log: CustomerLog, at: string): void {
  view.state = {
    as_of: at,
    period_spent_usd: log.period_budget?.spent_usd ?? null,
    period_resets_at: log.period_budget?.resets_at ?? null,
    total_spent_usd: log.total_budget?.spent_usd ?? null,
    rate_limit_remaining: log.rate_limit?.remaining ?? null,
  };
  view.name ??= log.name;
  view.email ??= log.email;
  if (!view.configured)
    view.limits = {
      rate_limit_per_minute: log.rate_limit?.limit ?? null,
      period_budget_usd: log.period_budget?.limit_usd ?? null,
      budget_duration: log.period_budget?.duration ?? null,
      total_budget_usd: log.total_budget?.limit_usd ?? null,
      markup_percentage: log.markup_percentage,
    };
}
