/**
 * `npm run test:chaos`: thousands of requests at high concurrency through real node, Express and Koa
 * hosts, against an upstream that injects a random fault into each attempt, with random client
 * aborts. Every request must end with the right response or an OpenAI-shaped error, leave exactly
 * one log record whose attempts are the retries and fallbacks the faults call for, and leave no
 * socket, upstream request or heap behind.
 *
 * Two runs: with deployment health off, every request is checked against the suite's model of the
 * retry and fallback policy; with health on (failing deployments cool down and are skipped, which
 * depends on the other requests), every request is checked for consistency instead.
 *
 * Size: CHAOS_REQUESTS (default 5000), CHAOS_CONCURRENCY (default 64); CHAOS_SEED replays a run.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startFaultUpstream, type FaultUpstream } from './fault-upstream.js';
import { expectedOutcomes, makePlan, prng, type RequestPlan } from './faults.js';
import { checkConsistency, checkRequest, type CompactRecord, type Observation } from './check-request.js';

const REQUESTS = Number(process.env.CHAOS_REQUESTS ?? 5_000);
const CONCURRENCY = Number(process.env.CHAOS_CONCURRENCY ?? 64);
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ABORT_RATE = 0.08;

interface Rig {
  upstream: FaultUpstream;
  host: ChildProcess;
  ports: Record<string, number>;
  records: Map<string, CompactRecord[]>;
  client: Agent;
  closed: boolean;
}
let rig: Rig | undefined;

function hostMessage<T>(host: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (message: any) => {
      if (message.type !== type) return;
      host.off('message', listener);
      resolve(message);
    };
    host.on('message', listener);
  });
}

async function askHost<T>(host: ChildProcess, type: string, reply: string): Promise<T> {
  const answer = hostMessage<T>(host, reply);
  host.send({ type });
  return answer;
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

async function startRig(health: boolean): Promise<Rig> {
  const upstream = await startFaultUpstream();
  const host = fork(
    fileURLToPath(new URL('./chaos-host.ts', import.meta.url)),
    [upstream.origin, health ? 'health' : 'no-health'],
    {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const records = new Map<string, CompactRecord[]>();
  host.on('message', (message: any) => {
    if (message.type !== 'log') return;
    const key = message.record.custom_identifier ?? `(none) ${message.record.id}`;
    const list = records.get(key) ?? [];
    list.push(message.record);
    records.set(key, list);
  });
  const { ports } = await hostMessage<{ ports: Record<string, number> }>(host, 'ready');
  return {
    upstream,
    host,
    ports,
    records,
    client: new Agent({ connections: CONCURRENCY, keepAliveTimeout: 10_000 }),
    closed: false,
  };
}

afterEach(async () => {
  if (!rig) return;
  if (rig.host.connected && !rig.closed) await askHost(rig.host, 'close', 'closed');
  rig.host.disconnect();
  await rig.client.close();
  await rig.upstream.close();
  rig = undefined;
});

async function send(plan: RequestPlan): Promise<Observation> {
  const { ports, client } = rig!;
  const controller = new AbortController();
  const timer = plan.abort.kind === 'after-ms' ? setTimeout(() => controller.abort(), plan.abort.ms) : undefined;
  const body = JSON.stringify({
    model: 'chaos',
    messages: [{ role: 'user', content: `chaos ${plan.id}` }],
    stream: plan.stream,
    custom_identifier: `chaos-${plan.id}`,
  });
  try {
    const response = await request(`http://127.0.0.1:${ports[plan.host]}/v1/chat/completions`, {
      dispatcher: client,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-chaos-id': String(plan.id) },
      body,
      signal: controller.signal,
    });
    const decoder = new TextDecoder();
    let text = '';
    for await (const piece of response.body) {
      text += decoder.decode(piece as Buffer, { stream: true });
      if (plan.abort.kind === 'after-first-chunk') controller.abort();
    }
    return { status: response.statusCode, headers: response.headers, text, aborted: false };
  } catch (error) {
    if (controller.signal.aborted) return { aborted: true };
    return { aborted: false, failure: String((error as Error)?.message ?? error) };
  } finally {
    clearTimeout(timer);
  }
}

async function receivedIds(host: ChildProcess): Promise<Set<string>> {
  return new Set((await askHost<{ ids: string[] }>(host, 'received', 'received')).ids);
}

/** A request the client aborted before any host received it (a fresh connection can take longer than the abort's delay). */
function neverReceived(plan: RequestPlan, observation: Observation, received: ReadonlySet<string>): boolean {
  return observation.aborted && !received.has(String(plan.id));
}

async function runAll(plans: RequestPlan[]): Promise<Map<number, Observation>> {
  const observations = new Map<number, Observation>();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < plans.length) {
        const plan = plans[next++];
        // The plan stays: after a client abort the gateway may still be on its way through the chain.
        rig!.upstream.plans.set(plan.id, plan);
        observations.set(plan.id, await send(plan));
      }
    }),
  );
  return observations;
}

/** One chaos run: a first round (not checked) warms every path, then `requests` checked ones. */
async function chaos(health: boolean, requests: number) {
  rig = await startRig(health);
  const { upstream, host, records } = rig;
  const random = prng(SEED + (health ? 1 : 0));
  const warm = Array.from({ length: Math.max(500, Math.floor(requests / 5)) }, (_, i) =>
    makePlan(1_000_000 + i, random, ABORT_RATE),
  );
  const warmObserved = await runAll(warm);
  const warmLogged = async () => {
    const received = await receivedIds(host);
    return warm.every(
      (plan) => records.has(`chaos-${plan.id}`) || neverReceived(plan, warmObserved.get(plan.id)!, received),
    );
  };
  if (!(await until(warmLogged, 15_000))) {
    const received = await receivedIds(host);
    const unlogged = warm.filter(
      (plan) => !records.has(`chaos-${plan.id}`) && !neverReceived(plan, warmObserved.get(plan.id)!, received),
    );
    expect.fail(
      `warm-up requests without a log record after 15 s (CHAOS_SEED=${SEED}):\n${unlogged
        .slice(0, 10)
        .map((plan) => JSON.stringify(plan))
        .join('\n')}`,
    );
  }
  await until(() => upstream.active() === 0, 5_000);
  const before = await askHost<{ heapUsed: number }>(host, 'stats', 'stats');

  const plans = Array.from({ length: requests }, (_, i) => makePlan(i, random, ABORT_RATE));
  const started = performance.now();
  const observations = await runAll(plans);
  const seconds = (performance.now() - started) / 1000;
  let received = await receivedIds(host);
  const allLogged = await until(async () => {
    received = await receivedIds(host);
    return plans.every(
      (plan) => records.has(`chaos-${plan.id}`) || neverReceived(plan, observations.get(plan.id)!, received),
    );
  }, 15_000);
  await new Promise((resolve) => setTimeout(resolve, 300)); // time for a duplicate record to show up

  const failures: string[] = [];
  const tally: Record<string, number> = {};
  for (const plan of plans) {
    const observation = observations.get(plan.id)!;
    const logged = records.get(`chaos-${plan.id}`) ?? [];
    const seen = upstream.attemptsSeen.get(plan.id) ?? 0;
    let problems: string[];
    if (neverReceived(plan, observation, received) && logged.length === 0) {
      // The client gave up before its request left it: the gateway never saw it, nothing to log.
      tally['aborted before reaching the host'] = (tally['aborted before reaching the host'] ?? 0) + 1;
      continue;
    }
    if (health) {
      problems = checkConsistency(plan, observation, logged, seen);
      if (logged[0]?.attempts.some((attempt) => 'skipped' in attempt))
        tally['with a cooled-down deployment skipped'] = (tally['with a cooled-down deployment skipped'] ?? 0) + 1;
      tally[observation.aborted ? 'client aborted' : String(logged[0]?.status_code)] =
        (tally[observation.aborted ? 'client aborted' : String(logged[0]?.status_code)] ?? 0) + 1;
    } else {
      const outcomes = expectedOutcomes(plan);
      const kind = observation.aborted
        ? 'client aborted'
        : outcomes.length > 1
          ? 'depends on the cut'
          : outcomes[0].kind;
      tally[kind] = (tally[kind] ?? 0) + 1;
      problems = checkRequest(plan, outcomes, observation, logged);
      // What the upstream saw is what the log says was tried (an aborted request may stop mid-send).
      if (!observation.aborted && logged.length === 1 && logged[0].attempts.length !== seen)
        problems.push(`the upstream saw ${seen} attempts, the log lists ${logged[0].attempts.length}`);
    }
    for (const problem of problems) {
      failures.push(
        `request ${plan.id} (${plan.host}, ${plan.stream ? 'stream' : 'json'}, attempts ${plan.attempts.map((a) => a.fault).join(' ')}, abort ${plan.abort.kind}): ${problem}`,
      );
    }
  }
  const strays = [...records.keys()].filter((key) => !/^chaos-\d+$/.test(key));
  if (strays.length) failures.push(`log records without a chaos id: ${strays.slice(0, 5).join(', ')}`);
  if (!allLogged) failures.push('not every request was logged within 15 s');

  // Nothing left behind: no request open upstream, no busy socket in the gateway's undici pool.
  if (!(await until(() => upstream.active() === 0, 5_000)))
    failures.push(`${upstream.active()} upstream requests still open`);
  let after = await askHost<{ heapUsed: number; pool: Record<string, any>; errors: string[] }>(host, 'stats', 'stats');
  const poolIdle = await until(async () => {
    after = await askHost(host, 'stats', 'stats');
    return Object.values(after.pool).every(
      (origin) => origin.running === 0 && origin.pending === 0 && origin.connected === origin.free,
    );
  }, 5_000);
  if (!poolIdle) failures.push(`undici pool not idle: ${JSON.stringify(after.pool)}`);
  if (after.errors.length) failures.push(...after.errors.map((error) => `onError: ${error}`));

  const growth = after.heapUsed / before.heapUsed - 1;
  console.log(
    `chaos (health ${health ? 'on' : 'off'}): ${requests} requests in ${seconds.toFixed(1)} s (${(requests / seconds).toFixed(0)}/s), seed ${SEED}; ` +
      `outcomes ${JSON.stringify(tally)}; heap after GC ${(before.heapUsed / 1048576).toFixed(1)} MB -> ${(after.heapUsed / 1048576).toFixed(1)} MB (${(growth * 100).toFixed(1)} %)`,
  );
  expect(failures.slice(0, 25), `${failures.length} problems (CHAOS_SEED=${SEED})`).toEqual([]);
  expect(growth).toBeLessThanOrEqual(0.1);

  // Closing the gateway releases every upstream socket, at once: no request is left without its record.
  const closeStarted = performance.now();
  const closed = await askHost<{ errors: string[] }>(host, 'close', 'closed');
  rig.closed = true;
  expect(closed.errors).toEqual([]);
  expect(performance.now() - closeStarted).toBeLessThan(5_000);
  expect(await until(() => upstream.openSockets() === 0, 5_000)).toBe(true);
}

describe(`chaos: ${REQUESTS} requests at concurrency ${CONCURRENCY} (CHAOS_SEED=${SEED})`, () => {
  it('health off: every request ends as its faults call for, logged once with exactly the planned attempts; nothing leaks', async () => {
    await chaos(false, REQUESTS);
  });

  it('health on: every request ends consistently with what the upstream did, logged once; nothing leaks', async () => {
    await chaos(true, Math.max(1_000, Math.floor(REQUESTS / 5)));
  });
});
