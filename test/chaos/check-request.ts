/**
 * Checks one chaos request: what the client got, and the request's log record(s), against what the
 * plan's faults call for (faults.ts `expectedOutcome`).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { answerPieces, POLICY, type Expected, type ExpectedAttempt, type RequestPlan } from './faults.js';

export interface Observation {
  aborted: boolean;
  status?: number;
  headers?: IncomingHttpHeaders;
  text?: string;
  /** The request failed without the client aborting it (a reset socket, ...). */
  failure?: string;
}

export interface CompactRecord {
  id: string;
  custom_identifier: string | null;
  status_code: number;
  status: string;
  error_code: string | null;
  client_aborted: boolean;
  stream: boolean;
  provider: string | null;
  model: string | null;
  fallback_used: boolean;
  attempts: ExpectedAttempt[];
  output: any;
}

const SECRETS = ['sk-test-chaos-primary-0001', 'sk-test-chaos-secondary-0002'];
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Problems with one request; none when it matches one of the outcomes its faults allow. */
export function checkRequest(
  plan: RequestPlan,
  outcomes: Expected[],
  observation: Observation,
  records: CompactRecord[],
): string[] {
  let closest: string[] | undefined;
  for (const expected of outcomes) {
    const problems = checkAgainst(plan, expected, observation, records);
    if (problems.length === 0) return [];
    // Report against the outcome whose attempts the record followed, if any.
    if (!closest || same(records[0]?.attempts, expected.attempts)) closest = problems;
  }
  return closest!;
}

function checkAgainst(
  plan: RequestPlan,
  expected: Expected,
  observation: Observation,
  records: CompactRecord[],
): string[] {
  const problems: string[] = [];
  if (records.length !== 1) return [`${records.length} log records`];
  const [record] = records;
  if (observation.failure) problems.push(`the client got no HTTP answer: ${observation.failure}`);
  const raw = `${JSON.stringify(observation.headers ?? {})}${observation.text ?? ''}${JSON.stringify(record)}`;
  for (const secret of SECRETS) if (raw.includes(secret)) problems.push('a provider key reached the client or the log');

  if (observation.aborted && record.status === 'aborted') {
    problems.push(...checkAbortedRecord(record, expected));
    return problems;
  }
  // Not aborted, or the gateway finished before it saw the client leave: the full outcome.
  problems.push(...checkRecord(record, expected));
  if (!observation.aborted && !observation.failure)
    problems.push(...checkResponse(plan, observation, expected, record));
  return problems;
}

function checkAbortedRecord(record: CompactRecord, expected: Expected): string[] {
  const problems: string[] = [];
  if (record.status_code !== 499 || !record.client_aborted)
    problems.push(`aborted request logged as ${record.status_code} client_aborted=${record.client_aborted}`);
  // The attempts made before the client left are those of the plan; the last may have been cut short.
  const made = record.attempts;
  if (made.length > expected.attempts.length)
    return [...problems, `more attempts than planned: ${JSON.stringify(made)}`];
  made.forEach((attempt, index) => {
    const planned = expected.attempts[index];
    const cut =
      index === made.length - 1 && attempt.error_code === 'client_closed_request' && attempt.status_code === null;
    const samePlace =
      attempt.provider === planned.provider && attempt.model === planned.model && attempt.retry === planned.retry;
    if (!samePlace || (!cut && !same(attempt, planned)))
      problems.push(`attempt ${index} ${JSON.stringify(attempt)}, planned ${JSON.stringify(planned)}`);
  });
  return problems;
}

function checkRecord(record: CompactRecord, expected: Expected): string[] {
  const problems: string[] = [];
  if (!same(record.attempts, expected.attempts))
    problems.push(`attempts ${JSON.stringify(record.attempts)}, expected ${JSON.stringify(expected.attempts)}`);
  if (expected.kind === 'error') {
    if (record.status_code !== expected.status || record.error_code !== expected.code || record.status !== 'error') {
      problems.push(
        `logged ${record.status_code} ${record.error_code} (${record.status}), expected ${expected.status} ${expected.code}`,
      );
    }
    return problems;
  }
  const target = POLICY.chain[expected.target];
  if (
    record.provider !== target.provider ||
    record.model !== target.model ||
    record.fallback_used !== expected.target > 0
  ) {
    problems.push(
      `logged as served by ${record.provider}/${record.model} (fallback ${record.fallback_used}), expected ${target.provider}/${target.model}`,
    );
  }
  const content = record.output?.[0]?.message?.content ?? null;
  if (expected.kind === 'success') {
    if (record.status_code !== 200 || record.status !== 'success')
      problems.push(`logged ${record.status_code} ${record.status}, expected 200 success`);
    if (content !== expected.content)
      problems.push(`logged output ${JSON.stringify(content)}, expected ${JSON.stringify(expected.content)}`);
  } else {
    if (record.status_code !== expected.status || !expected.codes.includes(record.error_code!)) {
      problems.push(
        `logged ${record.status_code} ${record.error_code}, expected ${expected.status} ${expected.codes.join('|')}`,
      );
    }
    if ((content ?? '') !== expected.content)
      problems.push(`logged partial output ${JSON.stringify(content)}, expected ${JSON.stringify(expected.content)}`);
  }
  return problems;
}

function isOpenAIError(value: any): boolean {
  const error = value?.error;
  return (
    typeof error?.message === 'string' &&
    typeof error.type === 'string' &&
    (error.param === null || typeof error.param === 'string') &&
    (error.code === null || typeof error.code === 'string')
  );
}

function checkResponse(
  plan: RequestPlan,
  observation: Observation,
  expected: Expected,
  record: CompactRecord,
): string[] {
  const problems: string[] = [];
  const headers = observation.headers!;
  if (headers['x-request-id'] !== record.id)
    problems.push(`x-request-id ${headers['x-request-id']} is not the log record's ${record.id}`);
  if (expected.kind === 'error') {
    let body: any;
    try {
      body = JSON.parse(observation.text!);
    } catch {
      return [...problems, `error response is not JSON: ${observation.text!.slice(0, 200)}`];
    }
    if (observation.status !== expected.status || !isOpenAIError(body) || body.error.code !== expected.code) {
      problems.push(
        `answered ${observation.status} ${observation.text!.slice(0, 200)}, expected ${expected.status} ${expected.code}`,
      );
    }
    if (headers['x-should-retry'] !== 'false') problems.push('error without x-should-retry: false');
    if (expected.retryAfter !== undefined && headers['retry-after'] !== expected.retryAfter)
      problems.push(`retry-after ${headers['retry-after']}, expected ${expected.retryAfter}`);
    return problems;
  }
  if (observation.status !== 200)
    return [...problems, `answered ${observation.status} ${observation.text!.slice(0, 200)}, expected 200`];
  if (headers['x-modelgate-attempts'] !== String(expected.attempts.length))
    problems.push(`x-modelgate-attempts ${headers['x-modelgate-attempts']}, expected ${expected.attempts.length}`);
  if (!plan.stream) {
    const body = JSON.parse(observation.text!);
    if (body.choices?.[0]?.message?.content !== expected.content)
      problems.push(
        `content ${JSON.stringify(body.choices?.[0]?.message?.content)}, expected ${JSON.stringify(expected.content)}`,
      );
    return problems;
  }
  // A stream: every frame a JSON payload (or [DONE]), as an OpenAI client will parse it.
  const payloads: any[] = [];
  for (const frame of observation.text!.split('\n\n')) {
    if (!frame.trim()) continue;
    if (!frame.startsWith('data: ')) return [...problems, `unexpected frame ${JSON.stringify(frame.slice(0, 120))}`];
    const data = frame.slice(6);
    try {
      payloads.push(data === '[DONE]' ? data : JSON.parse(data));
    } catch {
      return [...problems, `a frame the client cannot parse: ${JSON.stringify(data.slice(0, 120))}`];
    }
  }
  const content = payloads.map((payload) => payload?.choices?.[0]?.delta?.content ?? '').join('');
  if (content !== expected.content)
    problems.push(`streamed ${JSON.stringify(content)}, expected ${JSON.stringify(expected.content)}`);
  if (payloads.some((payload) => payload?.usage)) problems.push('a usage chunk the client did not ask for');
  const last = payloads.at(-1);
  if (expected.kind === 'success') {
    if (last !== '[DONE]') problems.push(`stream does not end with [DONE] but ${JSON.stringify(last)?.slice(0, 120)}`);
  } else if (!isOpenAIError(last) || !expected.codes.includes(last.error.code) || payloads.includes('[DONE]')) {
    problems.push(
      `stream ends with ${JSON.stringify(last)?.slice(0, 160)}, expected an error frame ${expected.codes.join('|')} and no [DONE]`,
    );
  }
  return problems;
}

/**
 * With deployment health on, which attempts are made depends on the other requests (a failing
 * deployment cools down and is skipped). Checked instead: one log record, an HTTP answer, the log's
 * tries are the upstream's, and what the client got is what the attempt that served it sent (a
 * whole answer, or its first frames and an error frame), or an OpenAI-shaped error the log agrees with.
 */
export function checkConsistency(
  plan: RequestPlan,
  observation: Observation,
  records: CompactRecord[],
  seen: number,
): string[] {
  if (records.length !== 1) return [`${records.length} log records`];
  const [record] = records;
  const problems: string[] = [];
  const raw = `${JSON.stringify(observation.headers ?? {})}${observation.text ?? ''}${JSON.stringify(record)}`;
  for (const secret of SECRETS) if (raw.includes(secret)) problems.push('a provider key reached the client or the log');
  if (observation.failure) return [...problems, `the client got no HTTP answer: ${observation.failure}`];
  const tried = record.attempts.filter((attempt) => !('skipped' in attempt));
  if (observation.aborted) {
    if (record.status === 'aborted' && (record.status_code !== 499 || !record.client_aborted))
      problems.push(`aborted request logged as ${record.status_code}`);
    return problems;
  }
  if (tried.length !== seen) problems.push(`the upstream saw ${seen} attempts, the log lists ${tried.length} tries`);
  if (observation.headers!['x-request-id'] !== record.id) problems.push('x-request-id is not the log record id');
  if (observation.status !== 200) {
    let body: any;
    try {
      body = JSON.parse(observation.text!);
    } catch {
      return [...problems, `error response is not JSON: ${observation.text!.slice(0, 120)}`];
    }
    if (!isOpenAIError(body) || record.status_code !== observation.status || record.error_code !== body.error.code) {
      problems.push(
        `answered ${observation.status} ${observation.text!.slice(0, 160)}, logged ${record.status_code} ${record.error_code}`,
      );
    }
    return problems;
  }
  const served = tried.at(-1);
  if (!served || served.status_code !== 200)
    return [...problems, `answered 200 but the last try was ${JSON.stringify(served)}`];
  const target = POLICY.chain.findIndex((entry) => entry.provider === served.provider);
  const attempt = plan.attempts[tried.length - 1];
  const pieces = answerPieces(plan.id, target, tried.length - 1);
  if (!plan.stream) {
    const content = JSON.parse(observation.text!).choices?.[0]?.message?.content;
    if (content !== pieces.join('') || record.status_code !== 200)
      problems.push(`content ${JSON.stringify(content)}, logged ${record.status_code}`);
    return problems;
  }
  const payloads: any[] = [];
  for (const frame of observation.text!.split('\n\n')) {
    if (!frame.trim()) continue;
    try {
      payloads.push(frame.slice(6) === '[DONE]' ? '[DONE]' : JSON.parse(frame.slice(6)));
    } catch {
      return [...problems, `a frame the client cannot parse: ${JSON.stringify(frame.slice(0, 120))}`];
    }
  }
  const content = payloads.map((payload) => payload?.choices?.[0]?.delta?.content ?? '').join('');
  const last = payloads.at(-1);
  if (attempt.fault === 'ok') {
    if (content !== pieces.join('') || last !== '[DONE]' || record.status_code !== 200)
      problems.push(`streamed ${JSON.stringify(content)} ending ${JSON.stringify(last)}, logged ${record.status_code}`);
  } else if (
    content !== pieces.slice(0, attempt.frames).join('') ||
    !isOpenAIError(last) ||
    last.error.code !== record.error_code ||
    payloads.includes('[DONE]')
  ) {
    problems.push(
      `streamed ${JSON.stringify(content)} ending ${JSON.stringify(last)?.slice(0, 120)}, logged ${record.status_code} ${record.error_code}`,
    );
  }
  return problems;
}
