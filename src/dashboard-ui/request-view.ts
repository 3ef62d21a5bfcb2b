/** One request: identifiers, its attempts as a timeline, metadata, parameters, input and output, the error. */
import type { AttemptRecord, LogRecord } from '../logging/log-record.js';
import { api } from './api.js';
import { h, show, type Child } from './dom.js';
import { count, ms, text, time, usd } from './format.js';

export async function requestView(id: string): Promise<void> {
  const record = await api<LogRecord>(`admin/logs/${encodeURIComponent(id)}`);
  show(
    h('p', {}, h('a', { href: '#/requests' }, '← All requests')),
    h('h2', {}, `Request ${record.id}`),
    record.error_message
      ? h(
          'section',
          { class: 'error-box', 'aria-labelledby': 'error-title' },
          h(
            'h3',
            { id: 'error-title' },
            `Error ${record.status_code}${record.error_code ? ` (${record.error_code})` : ''}`,
          ),
          h('p', {}, record.error_message),
        )
      : null,
    h(
      'div',
      { class: 'columns' },
      section('Summary', facts(summaryFacts(record))),
      section('Identifiers', facts(identifierFacts(record))),
    ),
    section('Attempts', timeline(record)),
    record.customer ? section('Customer', json(record.customer)) : null,
    section('Metadata', record.metadata ? json(record.metadata) : h('p', {}, 'None.')),
    section('Parameters', record.params ? json(record.params) : h('p', {}, 'None.')),
    section('Input', content(record.input)),
    section('Output', content(record.output)),
  );
  document.title = `Request ${record.id} · modelgate`;
}

function summaryFacts(record: LogRecord): Array<[string, Child]> {
  const usage = record.usage;
  return [
    ['Status', `${record.status_code} ${record.status}`],
    ['Started', time(record.start_time)],
    ['Endpoint', `${record.method} ${record.path}`],
    ['Model requested', text(record.requested_model)],
    ['Model served', `${text(record.model)} (${text(record.provider)})`],
    ['Fallback used', record.fallback_used ? 'yes' : 'no'],
    ['Stream', record.stream ? 'yes' : 'no'],
    [
      'Tokens',
      usage
        ? `${count(usage.prompt_tokens)} in, ${count(usage.completion_tokens)} out, ${count(usage.cached_tokens)} cached`
        : '—',
    ],
    ['Cost', record.cost_usd === null ? `— ${text(record.cost_unavailable_reason)}` : usd(record.cost_usd)],
    ['Latency', ms(record.latency_ms)],
    ['Time to first token', ms(record.ttft_ms)],
    ['Gateway overhead', ms(record.gateway_overhead_ms)],
    ['Cache', record.cache ? record.cache.status : '—'],
  ];
}

function identifierFacts(record: LogRecord): Array<[string, Child]> {
  return [
    ['Request id', record.id],
    ['Customer', text(record.customer_identifier)],
    ['Custom identifier', text(record.custom_identifier)],
    ['Thread', text(record.thread_identifier)],
    ['Group', text(record.group_identifier)],
    ['Gateway key', text(record.gateway_key)],
    ['Deployment', text(record.deployment)],
    ['Load balance group', text(record.load_balance_group)],
  ];
}

function section(title: string, ...children: Child[]): HTMLElement {
  const id = `section-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return h('section', { 'aria-labelledby': id }, h('h3', { id }, title), ...children);
}

function facts(pairs: Array<[string, Child]>): HTMLDListElement {
  return h(
    'dl',
    { class: 'facts' },
    pairs.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
  );
}

function json(value: unknown): HTMLPreElement {
  return h('pre', { tabindex: 0 }, JSON.stringify(value, null, 2));
}

function content(value: unknown): HTMLElement {
  if (value === null || value === undefined)
    return h('p', { class: 'muted' }, 'Not logged (disable_log, or the log store leaves content out).');
  return json(value);
}

/** Each try in order: retries of a target, fallbacks to the next, skipped targets, a cache hit. */
function timeline(record: LogRecord): HTMLElement {
  const items: HTMLLIElement[] = [];
  if (record.cache?.status === 'hit')
    items.push(h('li', { class: 'attempt cache' }, h('strong', {}, 'Cache hit'), ' — served from the response cache'));
  let firstTarget: string | undefined;
  record.attempts.forEach((attempt, index) => {
    const target = `${attempt.provider}/${attempt.model}`;
    firstTarget ??= target;
    const served =
      !attempt.skipped &&
      attempt.status_code !== null &&
      attempt.status_code < 400 &&
      index === record.attempts.length - 1;
    const kind = attemptKind(attempt, target !== firstTarget, served);
    items.push(
      h(
        'li',
        { class: `attempt ${kind.replace(/ .*/, '')}` },
        h('strong', {}, `${index + 1}. ${target}`),
        ' ',
        h('span', { class: 'tag' }, kind),
        attempt.skipped
          ? ` — skipped (${attempt.skipped})`
          : ` — ${attempt.status_code ?? 'no response'}${attempt.error_code ? ` ${attempt.error_code}` : ''} in ${ms(attempt.duration_ms)}`,
        attempt.error ? h('div', { class: 'muted' }, attempt.error) : null,
      ),
    );
  });
  if (!items.length) return h('p', {}, 'No upstream attempt (answered by the gateway itself).');
  return h('ol', { class: 'timeline', 'aria-label': 'Attempts in order' }, items);
}

function attemptKind(attempt: AttemptRecord, fellBack: boolean, served: boolean): string {
  if (attempt.skipped === 'cooldown') return 'cooldown skip';
  if (attempt.skipped) return 'skipped';
  const role = attempt.retry > 0 ? `retry ${attempt.retry}` : fellBack ? 'fallback' : 'first try';
  return `${role}${attempt.probe ? ', probe' : ''}${served ? ', served' : ''}`;
}
