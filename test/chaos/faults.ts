/**
 * The chaos suite's faults, the random plans built from them, and what the gateway must make of a
 * plan: its own model of the attempt loop (retries, fallbacks, peek before commit), written from the
 * documented policy, against which every request's response and log record are checked.
 */

export const JSON_FAULTS = [
  'http500',
  'http502',
  'http503',
  'http529',
  'http429-retry',
  'http429-wait',
  'reset-before-headers',
  'stall-before-headers',
  'reset-mid-body',
  'stall-mid-body',
  'truncated-json',
  'oversized',
] as const;
export const STREAM_FAULTS = [
  'http500',
  'http502',
  'http503',
  'http529',
  'http429-retry',
  'http429-wait',
  'reset-before-headers',
  'stall-before-headers',
  'reset-mid-stream',
  'stall-mid-stream',
  'malformed-sse',
  'malformed-usage',
  'truncated-json',
  'oversized',
] as const;
export type Fault = (typeof JSON_FAULTS)[number] | (typeof STREAM_FAULTS)[number];

/** What one upstream attempt does. `frames`: content frames sent before a mid-stream fault. */
export interface AttemptPlan {
  fault: Fault | 'ok';
  frames: number;
}

export type ClientAbort = { kind: 'none' } | { kind: 'after-ms'; ms: number } | { kind: 'after-first-chunk' };

export interface RequestPlan {
  id: number;
  stream: boolean;
  attempts: AttemptPlan[];
  abort: ClientAbort;
  /** Which host adapter serves it. */
  host: 'node' | 'express' | 'koa';
}

/** The gateway configuration the model below assumes (the host uses the same values). */
export const POLICY = {
  chain: [
    { provider: 'primary', model: 'model-a' },
    { provider: 'secondary', model: 'model-b' },
  ],
  maxRetries: 1,
  maxRetryAfterMs: 2_000,
  firstByteMs: 300,
  idleMs: 300,
  responseLimitBytes: 256 * 1024,
} as const;

/** Content pieces of a successful answer; the whole names the request, target and attempt. */
export function answerPieces(id: number, target: number, attempt: number): string[] {
  return [
    'ok',
    ` request ${id}`,
    ` from ${POLICY.chain[target].provider}`,
    `/${POLICY.chain[target].model}`,
    ` attempt ${attempt}`,
    '.',
  ];
}

/** A small seeded PRNG (mulberry32), so that a failing run can be replayed with CHAOS_SEED. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makePlan(id: number, random: () => number, abortRate: number): RequestPlan {
  const stream = random() < 0.5;
  const faults = stream ? STREAM_FAULTS : JSON_FAULTS;
  const attempts: AttemptPlan[] = [];
  const maxAttempts = POLICY.chain.length * (POLICY.maxRetries + 1);
  for (let i = 0; i < maxAttempts; i++) {
    const fault = random() < 0.55 ? 'ok' : faults[Math.floor(random() * faults.length)];
    // Mid-stream faults come after at least one content frame; an oversized frame may come first.
    const frames = fault === 'oversized' ? Math.floor(random() * 2) : 1 + Math.floor(random() * 3);
    attempts.push({ fault, frames });
  }
  const roll = random();
  let abort: ClientAbort = { kind: 'none' };
  if (roll < abortRate / 2) abort = { kind: 'after-ms', ms: Math.floor(random() * 400) };
  else if (roll < abortRate && stream) abort = { kind: 'after-first-chunk' };
  const host = (['node', 'express', 'koa'] as const)[Math.floor(random() * 3)];
  return { id, stream, attempts, abort, host };
}

/** What the gateway makes of one attempt. */
type AttemptOutcome =
  | { kind: 'served' }
  | { kind: 'failed-after-commit'; status: number; codes: string[] }
  | { kind: 'error'; status: number; code: string; upstreamStatus: number | null; retryAfterMs?: number };

/**
 * What the gateway may make of one attempt. Two answers when it depends on how the network cut
 * the bytes: a fault inside the data that arrives in the same read as the first frames is met
 * before commit (the chain goes on), in a later read after it (an error frame ends the stream).
 */
function outcomesOf(attempt: AttemptPlan, stream: boolean): AttemptOutcome[] {
  if (attempt.fault === 'malformed-usage') {
    return [
      { kind: 'failed-after-commit', status: 502, codes: ['upstream_invalid_response'] },
      { kind: 'error', status: 502, code: 'upstream_invalid_response', upstreamStatus: null },
    ];
  }
  return [outcomeOf(attempt, stream)];
}

function outcomeOf(attempt: AttemptPlan, stream: boolean): AttemptOutcome {
  const { fault, frames } = attempt;
  const committed = stream && frames > 0;
  switch (fault) {
    case 'ok':
      return { kind: 'served' };
    case 'http500':
    case 'http502':
    case 'http503':
    case 'http529':
      return { kind: 'error', status: 502, code: 'upstream_error', upstreamStatus: Number(fault.slice(4)) };
    case 'http429-retry':
      return { kind: 'error', status: 429, code: 'rate_limit_exceeded', upstreamStatus: 429, retryAfterMs: 0 };
    case 'http429-wait':
      return { kind: 'error', status: 429, code: 'rate_limit_exceeded', upstreamStatus: 429, retryAfterMs: 30_000 };
    case 'reset-before-headers':
    case 'reset-mid-body':
      return { kind: 'error', status: 502, code: 'upstream_connection_error', upstreamStatus: null };
    case 'stall-before-headers':
    case 'stall-mid-body':
      return { kind: 'error', status: 504, code: 'upstream_timeout', upstreamStatus: null };
    case 'truncated-json':
      if (stream) return { kind: 'failed-after-commit', status: 502, codes: ['upstream_stream_truncated'] };
      return { kind: 'error', status: 502, code: 'upstream_invalid_response', upstreamStatus: 200 };
    case 'oversized':
      if (committed) return { kind: 'failed-after-commit', status: 502, codes: ['upstream_response_too_large'] };
      return { kind: 'error', status: 502, code: 'upstream_response_too_large', upstreamStatus: null };
    case 'reset-mid-stream':
      // A closed connection mid-body is a socket error to undici; either name is honest.
      return {
        kind: 'failed-after-commit',
        status: 502,
        codes: ['upstream_connection_error', 'upstream_stream_truncated'],
      };
    case 'stall-mid-stream':
      return { kind: 'failed-after-commit', status: 504, codes: ['upstream_timeout'] };
    case 'malformed-sse':
      return { kind: 'error', status: 502, code: 'upstream_empty_stream', upstreamStatus: null };
    case 'malformed-usage':
      throw new Error('two outcomes: see outcomesOf');
  }
}

export interface ExpectedAttempt {
  provider: string;
  model: string;
  retry: number;
  status_code: number | null;
  error_code: string | null;
}

export type Expected =
  | { kind: 'success'; attempts: ExpectedAttempt[]; content: string; target: number }
  | {
      kind: 'stream-failure';
      attempts: ExpectedAttempt[];
      content: string;
      target: number;
      status: number;
      codes: string[];
    }
  | { kind: 'error'; attempts: ExpectedAttempt[]; status: number; code: string; retryAfter?: string };

/**
 * The attempt loop as documented: retries with backoff per target, then the next target. One
 * expectation per way the network may have cut the faults (see `outcomesOf`).
 */
export function expectedOutcomes(plan: RequestPlan): Expected[] {
  const results: Expected[] = [];
  const walk = (
    target: number,
    retry: number,
    index: number,
    attempts: ExpectedAttempt[],
    last?: Extract<AttemptOutcome, { kind: 'error' }>,
  ) => {
    if (target >= POLICY.chain.length) {
      const retryAfter = last!.retryAfterMs === undefined ? undefined : String(Math.ceil(last!.retryAfterMs / 1000));
      results.push({ kind: 'error', attempts, status: last!.status, code: last!.code, retryAfter });
      return;
    }
    const { provider, model } = POLICY.chain[target];
    const hasNext = target < POLICY.chain.length - 1;
    const attempt = plan.attempts[index];
    for (const outcome of outcomesOf(attempt, plan.stream)) {
      if (outcome.kind !== 'error') {
        const made = [...attempts, { provider, model, retry, status_code: 200, error_code: null }];
        const pieces = answerPieces(plan.id, target, index);
        if (outcome.kind === 'served')
          results.push({ kind: 'success', attempts: made, content: pieces.join(''), target });
        else
          results.push({
            kind: 'stream-failure',
            attempts: made,
            content: pieces.slice(0, attempt.frames).join(''),
            target,
            status: outcome.status,
            codes: outcome.codes,
          });
        continue;
      }
      const made = [
        ...attempts,
        { provider, model, retry, status_code: outcome.upstreamStatus, error_code: outcome.code },
      ];
      const nextTarget =
        (outcome.status === 429 && hasNext) ||
        retry >= POLICY.maxRetries ||
        (outcome.retryAfterMs ?? 0) > POLICY.maxRetryAfterMs;
      if (nextTarget) walk(target + 1, 0, index + 1, made, outcome);
      else walk(target, retry + 1, index + 1, made, outcome);
    }
  };
  walk(0, 0, 0, []);
  return results;
}
