/**
 * `npm run test:chaos`: thousands of requests at high concurrency through real node, Express and Koa
 * hosts, against an upstream that injects a random fault into each attempt, with random client
 * aborts. Every request must end with the right response or an OpenAI-shaped error, leave exactly
 * one log record whose attempts are the retries and fallbacks the faults call for, and leave no
 * socket, upstream request or heap behind.
 *
 * Size: CHAOS_REQUESTS (default 5000), CHAOS_CONCURRENCY (default 64); CHAOS_SEED replays a run.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultUpstream, type FaultUpstream } from './fault-upstream.js';
import { expectedOutcomes, makePlan, prng, type RequestPlan } from './faults.js';
import { checkRequest, type CompactRecord, type Observation } from './check-request.js';

const REQUESTS = Number(process.env.CHAOS_REQUESTS ?? 5_000);
const CONCURRENCY = Number(process.env.CHAOS_CONCURRENCY ?? 64);
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ABORT_RATE = 0.08;
/** A first chaos round, not checked, so that the heap measured before is the steady state's (code and pools warmed by every path). */
const WARMUP = Math.max(500, Math.floor(REQUESTS / 5));

let upstream: FaultUpstream;
let host: ChildProcess;
let ports: Record<string, number>;
const records = new Map<string, CompactRecord[]>();
const client = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 10_000 });

function hostMessage<T>(type: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (message: any) => {
      if (message.type !== type) return;
      host.off('message', listener);
      resolve(message);
    };
    host.on('message', listener);
  });
}

async function askHost<T>(type: string, reply: string): Promise<T> {
  const answer = hostMessage<T>(reply);
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

beforeAll(async () => {
  upstream = await startFaultUpstream();
  host = fork(fileURLToPath(new URL('./chaos-host.ts', import.meta.url)), [upstream.origin], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  host.on('message', (message: any) => {
    if (message.type !== 'log') return;
    const key = message.record.custom_identifier ?? `(none) ${message.record.id}`;
    const list = records.get(key) ?? [];
    list.push(message.record);
    records.set(key, list);
  });
  ports = ((await hostMessage<{ ports: Record<string, number> }>('ready')) as { ports: Record<string, number> }).ports;
});

let closed = false;
afterAll(async () => {
  if (host?.connected && !closed) {
    await askHost('close', 'closed');
    host.disconnect();
  }
  await client.close();
  await upstream?.close();
});

async function send(plan: RequestPlan): Promise<Observation> {
  const controller = new AbortController();
  const timer = plan.abort.kind === 'after-ms' ? setTimeout(() => controller.abort(), plan.abort.ms) : undefined;
  const body = JSON.stringify({ model: 'chaos', messages: [{ role: 'user', content: `chaos ${plan.id}` }], stream: plan.stream, custom_identifier: `chaos-${plan.id}` });
  try {
    const response = await request(`http://127.0.0.1:${ports[plan.host]}/v1/chat/completions`, {
      dispatcher: client,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
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

async function runAll(plans: RequestPlan[], concurrency: number): Promise<Map<number, Observation>> {
  const observations = new Map<number, Observation>();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < plans.length) {
        const plan = plans[next++];
        // The plan stays: after a client abort the gateway may still be on its way through the chain.
        upstream.plans.set(plan.id, plan);
        observations.set(plan.id, await send(plan));
      }
    }),
  );
  return observations;
}

describe(`chaos: ${REQUESTS} requests at concurrency ${CONCURRENCY} (CHAOS_SEED=${SEED})`, () => {
  it('ends every request correctly, logs each once with the right attempts, and leaks nothing', async () => {
    const random = prng(SEED);
    const warm = Array.from({ length: WARMUP }, (_, i) => makePlan(1_000_000 + i, random, ABORT_RATE));
    await runAll(warm, CONCURRENCY);
    expect(await until(() => records.size >= WARMUP, 15_000)).toBe(true);
    await until(() => upstream.active() === 0, 5_000);
    const before = await askHost<{ heapUsed: number }>('stats', 'stats');

    const plans = Array.from({ length: REQUESTS }, (_, i) => makePlan(i, random, ABORT_RATE));
    const started = performance.now();
    const observations = await runAll(plans, CONCURRENCY);
    const seconds = (performance.now() - started) / 1000;

    const allIn = () => plans.every((plan) => records.has(`chaos-${plan.id}`));
    const allLogged = await until(allIn, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 300)); // time for a duplicate record to show up

    const failures: string[] = [];
    const tally: Record<string, number> = {};
    for (const plan of plans) {
      const outcomes = expectedOutcomes(plan);
      const observation = observations.get(plan.id)!;
      const kind = observation.aborted ? 'client aborted' : outcomes.length > 1 ? 'depends on the cut' : outcomes[0].kind;
      tally[kind] = (tally[kind] ?? 0) + 1;
      const logged = records.get(`chaos-${plan.id}`) ?? [];
      const problems = checkRequest(plan, outcomes, observation, logged);
      // What the upstream saw is what the log says was tried (an aborted request may stop mid-send).
      const seen = upstream.attemptsSeen.get(plan.id) ?? 0;
      if (!observation.aborted && logged.length === 1 && logged[0].attempts.length !== seen) problems.push(`the upstream saw ${seen} attempts, the log lists ${logged[0].attempts.length}`);
      for (const problem of problems) {
        failures.push(`request ${plan.id} (${plan.host}, ${plan.stream ? 'stream' : 'json'}, attempts ${plan.attempts.map((a) => a.fault).join(' ')}, abort ${plan.abort.kind}): ${problem}`);
      }
    }
    const strays = [...records.keys()].filter((key) => !/^chaos-\d+$/.test(key));
    if (strays.length) failures.push(`log records without a chaos id: ${strays.slice(0, 5).join(', ')}`);
    if (!allLogged) failures.push('not every request was logged within 15 s');

    // Nothing left behind: no request open upstream, no busy socket in the gateway's undici pool.
    const upstreamIdle = await until(() => upstream.active() === 0, 5_000);
    if (!upstreamIdle) failures.push(`${upstream.active()} upstream requests still open`);
    let after = await askHost<{ heapUsed: number; pool: Record<string, any>; errors: string[] }>('stats', 'stats');
    const poolIdle = await until(async () => {
      after = await askHost('stats', 'stats');
      return Object.values(after.pool).every((origin) => origin.running === 0 && origin.pending === 0 && origin.connected === origin.free);
    }, 5_000);
    if (!poolIdle) failures.push(`undici pool not idle: ${JSON.stringify(after.pool)}`);
    if (after.errors.length) failures.push(...after.errors.map((error) => `onError: ${error}`));

    const growth = after.heapUsed / before.heapUsed - 1;
    console.log(
      `chaos: ${REQUESTS} requests in ${seconds.toFixed(1)} s (${(REQUESTS / seconds).toFixed(0)}/s), seed ${SEED}; ` +
        `outcomes ${JSON.stringify(tally)}; heap after GC ${(before.heapUsed / 1048576).toFixed(1)} MB -> ${(after.heapUsed / 1048576).toFixed(1)} MB (${(growth * 100).toFixed(1)} %)`,
    );
    expect(failures.slice(0, 25), `${failures.length} problems (CHAOS_SEED=${SEED})`).toEqual([]);
    expect(growth).toBeLessThanOrEqual(0.1);

    // Closing the gateway releases every upstream socket.
    await askHost('close', 'closed');
    closed = true;
    expect(await until(() => upstream.openSockets() === 0, 5_000)).toBe(true);
  });
});
