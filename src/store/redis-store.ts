/**
 * The Redis store: state shared by every gateway process that points at the same Redis. Atomic
 * steps are Lua scripts (redis-scripts.ts). A dead Redis never blocks a request: commands are not
 * queued while disconnected, and each one fails after `commandTimeoutMs` at the latest.
 *
 * ioredis is loaded on first use, so an app that never builds a Redis store never pays for it.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { redisConnection } from './redis-connection.js';
import { HIT_WINDOW, INCREMENT, RESERVE, SETTLE } from './redis-scripts.js';
import { LAPSED_HOLD_KEPT_MS, StoreUnavailableError, type BudgetLine, type BudgetState, type Store } from './store.js';

export interface RedisStoreOptions {
  /** `redis://[:password@]host:port[/db]` or `rediss://` for TLS. */
  url?: string;
  /**
   * More ioredis options, its `RedisOptions` (merged over modelgate's defaults); ignored with
   * `client`. Typed loosely so that the public types never need ioredis, an optional peer.
   */
  redisOptions?: object;
  /** Your own ioredis client (`new Redis(...)`); modelgate then leaves closing it to you. */
  client?: object;
  /** Prepended to every key (default `modelgate:`), so several apps can share one Redis. */
  prefix?: string;
  /** Longest wait for one command, the first connection included (default 250 ms). */
  commandTimeoutMs?: number;
  /** Hears about connection errors (at most one report per outage). */
  onError?: (error: unknown) => void;
}

interface ScriptedRedis extends Redis {
  mgIncrement(key: string, by: number, ttlMs: number): Promise<number>;
  mgHitWindow(key: string, limit: number, windowMs: number, member: string): Promise<[number, number, number]>;
  mgReserve(...args: Array<string | number>): Promise<Array<number | string>>;
  mgSettle(...args: Array<string | number>): Promise<string[]>;
}

const SCRIPTS = { mgIncrement: [1, INCREMENT], mgHitWindow: [1, HIT_WINDOW] } as const;

/** A store shared through Redis: `createGateway({ store: redisStore({ url: 'redis://127.0.0.1:6379' }) })`. */
export function redisStore(options: RedisStoreOptions = {}): Store {
  const prefix = options.prefix ?? 'modelgate:';
  const timeoutMs = options.commandTimeoutMs ?? 250;
  const ownsClient = !options.client;
  let client: ScriptedRedis | undefined;
  let closed = false;
  let everReady = false;
  let reported = false;
  let firstReady: Promise<void> | undefined;
  /** A connection attempt failed: calls fail at once until the next `ready`, instead of waiting. */
  let connectFailed = false;
  /** See `serverDeadline`; measured again after every (re)connection, which may reach another server. */
  let clockOffset: number | undefined;
  let clockOffsetAt = 0;

  const clientReady: Promise<ScriptedRedis> = (async () => {
    // Fails at once while disconnected: a queued reservation could run long after its request gave up.
    const redis = await redisConnection(options, timeoutMs, 'redisStore');
    for (const [name, [numberOfKeys, lua]] of Object.entries(SCRIPTS)) redis.defineCommand(name, { numberOfKeys, lua });
    // The budget scripts touch a variable number of keys: the key count goes first in their arguments.
    redis.defineCommand('mgReserve', { lua: RESERVE });
    redis.defineCommand('mgSettle', { lua: SETTLE });
    // Without a listener an 'error' event would crash the host process.
    redis.on('error', (error: unknown) => {
      connectFailed = true;
      if (!reported) {
        reported = true;
        options.onError?.(error);
      }
    });
    redis.on('ready', () => {
      clockOffset = undefined;
      everReady = true;
      connectFailed = false;
      reported = false;
    });
    if (redis.status === 'ready') everReady = true;
    client = redis as ScriptedRedis;
    if (closed) void shutdown(client);
    return client;
  })();
  // A failed import surfaces on the first command, not as an unhandled rejection.
  clientReady.catch(() => {});

  /** The connected client, waiting for the first connection at most until the command's deadline. */
  async function connected(deadline: number): Promise<ScriptedRedis> {
    const redis = client ?? (await clientReady);
    if (closed) throw new StoreUnavailableError('the Redis store is closed');
    if (redis.status === 'ready') return redis;
    if (!everReady && !connectFailed && redis.status !== 'end') {
      // One shared listener, however many commands wait for the first connection.
      firstReady ??= new Promise<void>((resolve, reject) => {
        const onReady = () => {
          redis.off('error', onError);
          resolve();
        };
        const onError = (error: unknown) => {
          redis.off('ready', onReady);
          firstReady = undefined;
          reject(
            new StoreUnavailableError(`Redis connection failed: ${(error as Error)?.message ?? String(error)}`, {
              cause: error,
            }),
          );
        };
        redis.once('ready', onReady);
        redis.once('error', onError);
      });
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new StoreUnavailableError(`Redis did not connect within ${timeoutMs} ms`)),
          Math.max(1, deadline - Date.now()),
        );
      });
      try {
        await Promise.race([firstReady, timedOut]);
      } finally {
        clearTimeout(timer);
      }
      return redis;
    }
    throw new StoreUnavailableError(`Redis is not connected (${redis.status})`);
  }

  async function run<T>(command: (redis: ScriptedRedis) => Promise<T>): Promise<T> {
    const redis = await connected(Date.now() + timeoutMs);
    try {
      return await command(redis);
    } catch (error) {
      throw new StoreUnavailableError(`Redis command failed: ${(error as Error)?.message ?? String(error)}`, {
        cause: error,
      });
    }
  }

  /**
   * The Redis server's clock minus ours, as a lower bound: a reply's server time was read before
   * the reply reached us. A reservation carries a deadline on the server's clock, the moment its
   * caller gives up waiting; the script ignores a reservation that arrives later (a frozen or
   * overloaded Redis runs the commands it received once it resumes), which would otherwise hold
   * budget for a request that was let through, or refused, without it.
   */
  const observeServerTime = (serverMs: number, receivedAt: number) => {
    const observed = serverMs - receivedAt;
    // The tightest recent bound wins; a minute on, a fresh one replaces it (clocks drift).
    if (clockOffset === undefined || observed > clockOffset || receivedAt - clockOffsetAt > 60_000) {
      clockOffset = observed;
      clockOffsetAt = receivedAt;
    }
  };
  const serverDeadline = async (redis: ScriptedRedis, startedAt: number): Promise<number> => {
    if (clockOffset === undefined) {
      const [seconds, micros] = await redis.time();
      observeServerTime(Number(seconds) * 1000 + Math.floor(Number(micros) / 1000), Date.now());
    }
    return Math.floor(startedAt + timeoutMs + clockOffset!);
  };

  const k = (key: string) => prefix + key;
  const budgetArgs = (lines: readonly BudgetLine[]) => lines.map((line) => [k(line.key)]).flat();
  const toStates = (values: Array<string | number>): BudgetState[] => {
    const states: BudgetState[] = [];
    for (let i = 0; i + 1 < values.length; i += 2)
      states.push({ spent: Number(values[i]), reserved: Number(values[i + 1]) });
    return states;
  };

  async function shutdown(redis: ScriptedRedis): Promise<void> {
    if (!ownsClient) return;
    try {
      await redis.quit();
    } catch {
      redis.disconnect();
    }
  }

  return {
    kind: 'redis',
    increment: (key, by, ttlMs) => run((redis) => redis.mgIncrement(k(key), by, Math.max(1, Math.round(ttlMs)))),
    get: (key) => run((redis) => redis.get(k(key))),
    getMany: (keys) => (keys.length ? run((redis) => redis.mget(...keys.map(k))) : Promise.resolve([])),
    set: (key, value, ttlMs, setOptions) =>
      run(async (redis) => {
        const px = Math.max(1, Math.round(ttlMs));
        const reply = setOptions?.onlyIfAbsent
          ? await redis.set(k(key), value, 'PX', px, 'NX')
          : await redis.set(k(key), value, 'PX', px);
        return reply === 'OK';
      }),
    delete: (keys) => (keys.length ? run(async (redis) => void (await redis.del(...keys.map(k)))) : Promise.resolve()),
    hitWindow: (key, limit, windowMs) =>
      run(async (redis) => {
        const [allowed, count, retryAfterMs] = await redis.mgHitWindow(
          k(key),
          limit,
          Math.round(windowMs),
          randomUUID(),
        );
        return { allowed: allowed === 1, count: Number(count), retryAfterMs: Number(retryAfterMs) };
      }),
    reserve: (lines, id, amount, holdMs) => {
      const startedAt = Date.now();
      return run(async (redis) => {
        const deadline = await serverDeadline(redis, startedAt);
        const limits = lines.flatMap((line) => [line.limit, Math.round(line.ttlMs ?? 0)]);
        const reply = await redis.mgReserve(
          lines.length,
          ...budgetArgs(lines),
          id,
          amount,
          Math.round(holdMs),
          deadline,
          LAPSED_HOLD_KEPT_MS,
          ...limits,
        );
        observeServerTime(Number(reply[2]), Date.now());
        if (Number(reply[0]) === -1)
          throw new StoreUnavailableError(`the reservation reached Redis after its deadline (${timeoutMs} ms)`);
        const refused = Number(reply[1]);
        return {
          ok: Number(reply[0]) === 1,
          lines: toStates(reply.slice(3)),
          ...(refused ? { refusedAt: refused - 1 } : {}),
        };
      });
    },
    settle: (lines, id, actual) =>
      run(async (redis) =>
        toStates(
          await redis.mgSettle(
            lines.length,
            ...budgetArgs(lines),
            id,
            actual,
            LAPSED_HOLD_KEPT_MS,
            ...lines.map((line) => Math.round(line.ttlMs ?? 0)),
          ),
        ),
      ),
    getCached: (keys) =>
      keys.length ? run((redis) => redis.mget(...keys.map((key) => k(`cache:${key}`)))) : Promise.resolve([]),
    setCached: (key, value, ttlMs) =>
      run(async (redis) => void (await redis.set(k(`cache:${key}`), value, 'PX', Math.max(1, Math.round(ttlMs))))),
    getDocuments: (keys) =>
      keys.length ? run((redis) => redis.mget(...keys.map((key) => k(`doc:${key}`)))) : Promise.resolve([]),
    setDocument: (key, value, ttlMs) =>
      run(async (redis) => void (await redis.set(k(`doc:${key}`), value, 'PX', Math.max(1, Math.round(ttlMs))))),
    deleteDocument: (key) => run(async (redis) => (await redis.del(k(`doc:${key}`))) > 0),
    async close() {
      closed = true;
      if (client) await shutdown(client);
    },
  };
}
