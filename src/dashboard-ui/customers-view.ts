/** Customers: limits, spend against budgets, rate-limit state, and what the kept records add up to. */
import type { CustomerView } from '../admin/customers-view.js';
import { api } from './api.js';
import { h, show, table, type Child } from './dom.js';
import { count, time, usd } from './format.js';

export async function customersView(): Promise<void> {
  const { data } = await api<{ data: CustomerView[] }>('admin/customers');
  show(
    h('h2', {}, 'Customers'),
    h(
      'p',
      { class: 'muted' },
      'Spend and rate-limit state as the store reported them on each customer’s latest request; requests and cost counted from the kept log records.',
    ),
    data.length
      ? table(
          'Customers',
          [
            'Customer',
            'Period budget',
            'Total budget',
            'Rate limit',
            'Requests',
            'Errors',
            'Cost (logged)',
            'Last seen',
          ],
          data.map((customer) => [
            h(
              'a',
              { href: `#/requests?customer=${encodeURIComponent(customer.customer_identifier)}` },
              customer.customer_identifier,
            ),
            budget(
              customer.state.period_spent_usd,
              customer.limits.period_budget_usd,
              customer.limits.budget_duration,
              customer.state.period_resets_at,
            ),
            budget(customer.state.total_spent_usd, customer.limits.total_budget_usd, null, null),
            rate(customer),
            count(customer.logged.requests),
            count(customer.logged.errors),
            usd(customer.logged.cost_usd),
            time(customer.logged.last_seen),
          ]),
          { id: 'customers' },
        )
      : h('p', {}, 'No customers yet: none configured, and no request named one.'),
  );
}

function budget(spent: number | null, limit: number | null, duration: string | null, resets: string | null): Child {
  if (limit === null) return 'none';
  const label = `${usd(spent ?? 0)} of ${usd(limit)}${duration ? ` ${duration}` : ''}`;
  return h(
    'span',
    {},
    h('meter', { min: 0, max: limit, value: spent ?? 0, 'aria-label': `Budget used: ${label}` }),
    ` ${label}`,
    resets ? h('div', { class: 'muted' }, `resets ${time(resets)}`) : null,
  );
}

function rate(customer: CustomerView): Child {
  const limit = customer.limits.rate_limit_per_minute;
  if (limit === null) return 'none';
  const remaining = customer.state.rate_limit_remaining;
  return `${limit}/min; ${remaining ?? '—'} left at last request; ${customer.logged.requests_last_minute} in the last minute`;
}
