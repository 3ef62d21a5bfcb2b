/**
 * The ioredis client of a Redis-backed store (the traffic store, the log store): the caller's own,
 * or one that fails at once while disconnected instead of queueing, so that a command never runs
 * long after its request gave up. ioredis is an optional peer dependency, loaded only here.
 */
import type { Redis } from 'ioredis';

export interface RedisConnectionOptions {
  /** Default `redis://127.0.0.1:6379`. */
  url?: string;
  /** More ioredis options (`RedisOptions`); ignored with `client`. */
  redisOptions?: object;
  /** The caller's own ioredis client, used as it is. */
  client?: object;
}

/** `user`: the factory that needs it, named in the error when ioredis is not installed. */
export async function redisConnection(
  options: RedisConnectionOptions,
  commandTimeoutMs: number,
  user: string,
): Promise<Redis> {
  if (options.client) return options.client as Redis;
  const { Redis } = await loadIoredis(user);
  return new Redis(options.url ?? 'redis://127.0.0.1:6379', {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: Math.max(1_000, commandTimeoutMs),
    retryStrategy: (times: number) => Math.min(100 * times, 2_000),
    ...options.redisOptions,
  });
}

async function loadIoredis(user: string): Promise<{ Redis: typeof import('ioredis').Redis }> {
  try {
    return await import('ioredis');
  } catch (error) {
    throw new Error(`${user}() needs the \`ioredis\` package: npm install ioredis`, { cause: error });
  }
}
