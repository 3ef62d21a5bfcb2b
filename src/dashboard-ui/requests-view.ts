/** Requests: the newest records with filters, older pages on demand, new ones live from the tail. */
import type { SlimRecord } from '../admin/slim-record.js';
import { api, tail } from './api.js';
import { announce, h, show } from './dom.js';
import { count, ms, text, time, usd } from './format.js';

const FILTERS: Array<[name: string, label: string]> = [
  ['customer', 'Customer'],
  ['model', 'Model'],
  ['provider', 'Provider'],
  ['thread', 'Thread'],
  ['group', 'Group'],
];

interface Page {
  data: SlimRecord[];
  next_cursor: string | null;
}

let live: AbortController | undefined;

/** Stops the live tail when the view changes. */
export function leaveRequests(): void {
  live?.abort();
  live = undefined;
}

export async function requestsView(query: URLSearchParams): Promise<void> {
  const filters = new URLSearchParams();
  for (const [name, value] of query) if (value) filters.set(name, value);
  const body = h('tbody', {});
  const more = h('button', { type: 'button', id: 'load-more', hidden: true }, 'Load older requests');
  const liveBox = h('input', { type: 'checkbox', id: 'live', checked: true });
  show(
    h('h2', {}, 'Requests'),
    filterForm(filters),
    h('p', { class: 'controls' }, h('label', { for: 'live' }, liveBox, ' Live: show new requests as they arrive')),
    h(
      'table',
      { id: 'requests' },
      h('caption', {}, 'Requests, newest first'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Time', 'Status', 'Model', 'Provider', 'Customer', 'Tokens in / out', 'Cost', 'Latency', 'Attempts'].map(
            (name) => h('th', { scope: 'col' }, name),
          ),
        ),
      ),
      body,
    ),
    more,
  );
  let cursor: string | null = null;
  const load = async () => {
    const pageQuery = new URLSearchParams(filters);
    if (cursor) pageQuery.set('cursor', cursor);
    const page = await api<Page>('admin/logs', pageQuery);
    for (const record of page.data) body.append(row(record));
    cursor = page.next_cursor;
    more.hidden = cursor === null;
    if (!body.children.length) body.append(h('tr', {}, h('td', { colspan: 9 }, 'No requests match.')));
    announce(`${body.querySelectorAll('tr[data-id]').length} requests shown`);
  };
  more.addEventListener('click', () => void load());
  await load();

  const follow = () => {
    leaveRequests();
    if (!liveBox.checked) return;
    live = new AbortController();
    const seen = new Set([...body.querySelectorAll('tr[data-id]')].map((tr) => (tr as HTMLElement).dataset.id));
    void tail(
      filters,
      (record: SlimRecord) => {
        if (seen.has(record.id)) return;
        seen.add(record.id);
        body.querySelector('tr:not([data-id])')?.remove();
        body.prepend(row(record));
      },
      live.signal,
    ).catch(() => {});
  };
  liveBox.addEventListener('change', follow);
  follow();
}

function filterForm(filters: URLSearchParams): HTMLFormElement {
  const field = (name: string, label: string) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: `filter-${name}` }, label),
      h('input', { id: `filter-${name}`, name, value: filters.get(name) ?? '', autocomplete: 'off' }),
    );
  const status = h(
    'select',
    { id: 'filter-status', name: 'status' },
    ['', 'success', 'error', 'aborted'].map((value) =>
      h('option', { value, selected: filters.get('status') === value }, value || 'any'),
    ),
  );
  const metadata = [...filters].find(([name]) => name.startsWith('metadata.'));
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter requests' },
    FILTERS.map(([name, label]) => field(name, label)),
    h('div', { class: 'field' }, h('label', { for: 'filter-status' }, 'Status'), status),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'filter-metadata' }, 'Metadata key=value'),
      h('input', {
        id: 'filter-metadata',
        name: 'metadata',
        value: metadata ? `${metadata[0].slice(9)}=${metadata[1]}` : '',
        placeholder: 'session_id=abc',
      }),
    ),
    h('div', { class: 'field' }, h('label', { for: 'filter-from' }, 'From'), dateInput('from', filters)),
    h('div', { class: 'field' }, h('label', { for: 'filter-to' }, 'To'), dateInput('to', filters)),
    h(
      'div',
      { class: 'field buttons' },
      h('button', { type: 'submit' }, 'Apply filters'),
      h('a', { href: '#/requests' }, 'Clear'),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      const textValue = String(value).trim();
      if (!textValue) continue;
      if (name === 'metadata') {
        const at = textValue.indexOf('=');
        if (at > 0) next.set(`metadata.${textValue.slice(0, at)}`, textValue.slice(at + 1));
      } else if (name === 'from' || name === 'to') next.set(name, new Date(textValue).toISOString());
      else next.set(name, textValue);
    }
    location.hash = `#/requests${next.size ? `?${next}` : ''}`;
  });
  return form;
}

function dateInput(name: 'from' | 'to', filters: URLSearchParams): HTMLInputElement {
  const value = filters.get(name);
  const local = value ? new Date(new Date(value).getTime() - new Date().getTimezoneOffset() * 60_000) : undefined;
  return h('input', {
    id: `filter-${name}`,
    name,
    type: 'datetime-local',
    step: 1,
    value: local ? local.toISOString().slice(0, 19) : '',
  });
}

function row(record: SlimRecord): HTMLTableRowElement {
  const usage = record.usage;
  const tries = record.attempts.filter((attempt) => !attempt.skipped).length;
  return h(
    'tr',
    { 'data-id': record.id, class: `status-${record.status}` },
    h('td', {}, h('a', { href: `#/request/${encodeURIComponent(record.id)}` }, time(record.start_time))),
    h('td', {}, h('span', { class: `badge ${record.status}` }, `${record.status_code} ${record.status}`)),
    h(
      'td',
      {},
      text(record.model ?? record.requested_model),
      record.fallback_used ? h('span', { class: 'tag' }, 'fallback') : null,
    ),
    h('td', {}, text(record.provider)),
    h('td', { class: 'customer' }, text(record.customer_identifier)),
    h('td', { class: 'num' }, usage ? `${count(usage.prompt_tokens)} / ${count(usage.completion_tokens)}` : '—'),
    h('td', { class: 'num' }, usd(record.cost_usd)),
    h('td', { class: 'num' }, ms(record.latency_ms)),
    h('td', { class: 'num' }, String(tries)),
  );
}
