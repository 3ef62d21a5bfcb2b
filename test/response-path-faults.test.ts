/**
 * Every exit path releases what the request holds. An exception anywhere between the upstream call
 * and the end of the response (a bug, injected here once at several points) must still cancel the
 * upstream, end the request's scope, settle its budget reservation and write exactly one log record.
 * Through a real node:http host and a real loopback upstream that holds its stream open until the
 * gateway lets go of it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as recordUsageModule from '../src/cost/record-usage.js';
import { PassthroughRelay } from '../src/engine/passthrough-stream.js';
import { RequestScope } from '../src/engine/request-scope.js';
import * as served from '../src/engine/served-headers.js';
import { StreamResponse } from '../src/engine/stream-response.js';
import { createGateway, type Gateway } from '../src/index.js';
import { chat, completionChunks, reply } from './helpers/chat-upstream.js';
import { startHost, type Host } from './helpers/hosts.js';
import { logCollector } from './helpers/logs.js';
import { sleep, startUpstream, type ReceivedRequest, type Upstream } from './helpers/upstream.js';

vi.mock('../src/engine/served-headers.js', { spy: true });
vi.mock('../src/cost/record-usage.js', { spy: true });

let upstream: Upstream;
const answerNormally = (request: ReceivedRequest, response: any) =>
  reply(request, response, { promptTokens: 7, completionTokens: 10 });

/** A stream that sends its first content, more a moment later, and then never ends on its own. */
async function heldStream(request: ReceivedRequest, response: any): Promise<void> {
  const chunks = completionChunks(request.body.model, { content: 'Hello there, how are you?' });
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  response.write(`data: ${JSON.stringify(chunks[0])}\n\ndata: ${JSON.stringify(chunks[1])}\n\n`);
  await sleep(30);
  if (!response.destroyed) response.write(`data: ${JSON.stringify(chunks[2])}\n\n`);
  await request.closed;
}

beforeAll(async () => {
  upstream = await startUpstream(answerNormally);
});
afterAll(() => upstream.close());

const CUSTOMER = 'cust-one-request';
const injected = () => new Error('injected fault');

interface Rig {
  gateway: Gateway;
  host: Host;
  logs: ReturnType<typeof logCollector>;
  reported: Array<{ error: unknown; where: string }>;
}
const rigs: Rig[] = [];

async function rig(): Promise<Rig> {
  const logs = logCollector();
  const reported: Rig['reported'] = [];
  const gateway = createGateway({
    providers: { openai: { apiKey: 'sk-test-faults-0001', baseURL: upstream.baseURL } },
    retry: { maxRetries: 0 },
    // $1,000 per million output tokens: max_tokens 10 reserves exactly $0.01, the whole budget.
    pricing: { 'openai/gpt-4o-mini': { input: 0, output: 1_000 } },
    customers: { [CUSTOMER]: { totalBudget: 0.01 } },
    onLog: logs.sink,
    onError: (error, where) => reported.push({ error, where }),
  });
  const made = { gateway, host: await startHost('node', gateway), logs, reported };
  rigs.push(made);
  return made;
}

afterEach(async () => {
  // Not vi.restoreAllMocks(): that would also take the mocked modules' spies apart.
  for (const spy of prototypeSpies.splice(0)) spy.mockRestore();
  vi.mocked(served.noteServed).mockReset();
  vi.mocked(served.servedHeaders).mockReset();
  vi.mocked(recordUsageModule.recordUsage).mockReset();
  for (const made of rigs.splice(0)) {
    await made.host.close();
    await made.gateway.close({ timeoutMs: 500 }); // short: a leaked request must not stall the next test
  }
  upstream.reset();
  upstream.handle(answerNormally);
});

const ask = (stream: boolean) =>
  chat('gpt-4o-mini', { max_tokens: 10, customer_identifier: CUSTOMER, ...(stream ? { stream: true } : {}) });

async function send(host: Host, body: object): Promise<{ status: number; text: string }> {
  const response = await fetch(`${host.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, text: await response.text() };
}

/** Resolves once the upstream saw its request closed by the gateway; fails after `ms`. */
async function closedWithin(request: ReceivedRequest, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>(
    (_, reject) =>
      (timer = setTimeout(() => reject(new Error(`the upstream request was still open after ${ms} ms`)), ms)),
  );
  try {
    await Promise.race([request.closed, late]);
  } finally {
    clearTimeout(timer);
  }
}

type Outcome = 'error-before-response' | 'error-frame' | 'completed';

interface Fault {
  name: string;
  stream: boolean;
  held?: boolean;
  inject(): void;
  outcome: Outcome;
  /** The faulted request cost the customer its budget (a committed stream is charged). */
  charged: boolean;
}

const prototypeSpies: Array<{ mockRestore(): void }> = [];

/** Throws once, on the `nth` call (1-based), and otherwise calls the real method. */
function throwOnCall<T extends object>(prototype: T, method: keyof T & string, nth = 1): void {
  const original = prototype[method] as (...args: unknown[]) => unknown;
  let calls = 0;
  const spy = vi
    .spyOn(prototype as Record<string, (...args: unknown[]) => unknown>, method)
    .mockImplementation(function (this: unknown, ...args: unknown[]) {
      if (++calls === nth) throw injected();
      return original.apply(this, args);
    });
  prototypeSpies.push(spy);
}

const faults: Fault[] = [
  {
    name: 'noteServed (stream)',
    stream: true,
    held: true,
    outcome: 'error-before-response',
    charged: false,
    inject: () =>
      vi.mocked(served.noteServed).mockImplementationOnce(() => {
        throw injected();
      }),
  },
  {
    name: 'servedHeaders (stream)',
    stream: true,
    held: true,
    outcome: 'error-before-response',
    charged: false,
    inject: () =>
      vi.mocked(served.servedHeaders).mockImplementationOnce(() => {
        throw injected();
      }),
  },
  {
    name: 'StreamResponse.commit',
    stream: true,
    held: true,
    outcome: 'error-before-response',
    charged: false,
    inject: () => throwOnCall(StreamResponse.prototype, 'commit'),
  },
  {
    name: 'the relay, before commit',
    stream: true,
    held: true,
    outcome: 'error-before-response',
    charged: false,
    inject: () => throwOnCall(PassthroughRelay.prototype, 'push', 1),
  },
  {
    name: 'the relay, after commit',
    stream: true,
    held: true,
    outcome: 'error-frame',
    charged: true,
    inject: () => throwOnCall(PassthroughRelay.prototype, 'push', 2),
  },
  {
    name: 'the relay closing, while settling',
    stream: true,
    outcome: 'completed',
    charged: true,
    inject: () => throwOnCall(PassthroughRelay.prototype, 'close', 1),
  },
  {
    name: 'recordUsage, while settling a stream',
    stream: true,
    outcome: 'completed',
    charged: true,
    inject: () =>
      vi.mocked(recordUsageModule.recordUsage).mockImplementationOnce(() => {
        throw injected();
      }),
  },
  {
    name: 'noteServed (JSON)',
    stream: false,
    outcome: 'error-before-response',
    charged: false,
    inject: () =>
      vi.mocked(served.noteServed).mockImplementationOnce(() => {
        throw injected();
      }),
  },
  {
    name: 'servedHeaders (JSON)',
    stream: false,
    outcome: 'error-before-response',
    charged: false,
    inject: () =>
      vi.mocked(served.servedHeaders).mockImplementationOnce(() => {
        throw injected();
      }),
  },
  {
    name: 'recordUsage (JSON)',
    stream: false,
    outcome: 'error-before-response',
    charged: false,
    inject: () =>
      vi.mocked(recordUsageModule.recordUsage).mockImplementationOnce(() => {
        throw injected();
      }),
  },
];

describe('a fault anywhere in the response path', () => {
  it.each(faults)('$name: upstream released, scope ended, budget settled, one log record', async (fault) => {
    const { gateway, host, logs, reported } = await rig();
    const scopes = vi.spyOn(RequestScope.prototype, 'remainingMs');
    prototypeSpies.push(scopes);
    if (fault.held) upstream.handleNth(0, heldStream);
    fault.inject();

    const answer = await send(host, ask(fault.stream));
    if (fault.outcome === 'error-before-response') {
      expect(answer.status).toBe(500);
      expect(JSON.parse(answer.text).error.code).toBe('internal_error');
    } else {
      expect(answer.status).toBe(200);
      expect(answer.text).toContain('Hello');
      if (fault.outcome === 'error-frame') {
        expect(answer.text).toContain('"code":"internal_error"');
        expect(answer.text).not.toContain('[DONE]');
      } else {
        expect(answer.text).toContain('data: [DONE]');
      }
    }

    // The upstream was let go of at once (a held stream would otherwise wait for the 600 s deadline).
    expect(upstream.requests).toHaveLength(1);
    await closedWithin(upstream.requests[0], 2_000);

    // Exactly one record, for what the client saw.
    const records = await logs.settle(1);
    expect(records).toHaveLength(1);
    expect(records[0].status_code).toBe(fault.outcome === 'completed' ? 200 : 500);
    expect(records[0].customer?.charged_usd).toBe(fault.charged ? 0.01 : 0);

    // The scope is gone: no deadline timer, nothing left for gateway.close() to end.
    expect(scopes.mock.contexts.length).toBeGreaterThan(0);
    for (const scope of scopes.mock.contexts as RequestScope[]) expect(scope['live']!.size).toBe(0);

    // The bug was heard, once.
    expect(reported.map(({ error }) => (error as Error).message)).toEqual(['injected fault']);

    // The reservation was settled: a budget of exactly one request is free again (or spent, not held).
    const next = await send(host, ask(false));
    if (fault.charged) {
      expect(next.status).toBe(429);
      expect(JSON.parse(next.text).error.message).not.toContain('reserved by requests in flight');
    } else {
      expect(next.status).toBe(200);
    }

    // Nothing is left in flight: close() does not wait (a leaked request would hold it for 10 s).
    const closing = performance.now();
    await gateway.close();
    expect(performance.now() - closing).toBeLessThan(1_000);
  });
});

describe('headerSafe', () => {
  it('cannot throw, even on a lone surrogate', () => {
    expect(served.headerSafe('gpt-4o')).toBe('gpt-4o');
    expect(served.headerSafe('modèle')).toBe('mod%C3%A8le');
    expect(served.headerSafe('x\ud800,y')).toBe('x%EF%BF%BD%2Cy');
  });
});
