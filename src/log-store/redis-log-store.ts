/**
 * A log store shared through Redis, for several instances: every instance writes its records there
 * and reads everyone's, and the live tail hears every instance (Redis pub/sub). One Lua script adds
 * a record and trims the store to its bounds atomically. ioredis is loaded on first use, as for
 * `redisStore()`.
 */
import type { Redis } from 'ioredis';
import type { LogRecord } from '../logging/log-record.js';
import { redisConnection } from '../store/redis-connection.js';
import { pageFromBatches, scanBatches, type FetchBatch } from './batched-page.js';
import { LogListeners } from './log-listeners.js';
import { cursorSeq, type LogStore } from './log-store.js';
import { REDIS_DEFAULTS, retention, storedForm, type RetentionOptions } from './retention.js';

export interface RedisLogStoreOptions extends RetentionOptions {
  /** `redis://[:password@]host:port[/db]` or `rediss://` for TLS. */
  url?: string;
  /** More ioredis options (`RedisOptions`); ignored with `client`. */
  redisOptions?: object;
  /** Your own ioredis client; modelgate then leaves closing it to you (it still opens one subscriber). */
  client?: object;
  /** Prepended to every key (default `modelgate:`), as for `redisStore()`. */
  prefix?: string;
  /** Longest wait for one command (default 2 s: the admin API can wait longer than a request). */
  commandTimeoutMs?: number;
}

/**
 * KEYS: order (zset seq), times (zset start ms), data (hash id -> json), bytes, seq counter.
 * ARGV: id, json, start ms, max records, max bytes, cutoff ms. Returns the new seq (0: a duplicate).
 */
const ADD = `
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then return 0 end
local seq = redis.call('INCR', KEYS[5])
redis.call('ZADD', KEYS[1], seq, ARGV[1])
redis.call('ZADD', KEYS[2], tonumber(ARGV[3]), ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
local bytes = redis.call('INCRBY', KEYS[4], string.len(ARGV[2]))
local function drop(id)
  local size = redis.call('HSTRLEN', KEYS[3], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  bytes = redis.call('DECRBY', KEYS[4], size)
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[6], 'LIMIT', 0, 1000)) do drop(id) end
while redis.call('ZCARD', KEYS[1]) > tonumber(ARGV[4]) or bytes > tonumber(ARGV[5]) do
  local first = redis.call('ZRANGE', KEYS[1], 0, 0)
  if #first == 0 then break end
  drop(first[1])
end
return seq`;

interface LogRedis extends Redis {
  mgAddLog(...args: Array<string | number>): Promise<number>;
}

export function redisLogStore(options: RedisLogStoreOptions = {}): LogStore {
  const keep = retention(options, REDIS_DEFAULTS);
  const prefix = options.prefix ?? 'modelgate:';
  const keys = ['order', 'times', 'data', 'bytes', 'seq'].map((name) => `${prefix}logs:${name}`);
  const [orderKey, , dataKey] = keys;
  const channel = `${prefix}logs:added`;
  const listeners = new LogListeners();
  const timeoutMs = options.commandTimeoutMs ?? 2_000;
  let subscriber: Redis | undefined;

  const ready: Promise<LogRedis> = (async () => {
    const redis = await redisConnection(options, timeoutMs, 'redisLogStore');
    redis.on('error', () => {}); // commands fail and say why; an unheard 'error' would crash the host
    redis.defineCommand('mgAddLog', { numberOfKeys: 5, lua: ADD });
    return redis as LogRedis;
  })();
  ready.catch(() => {});

  /** One listener for the next connection, however many commands wait for it. */
  let reconnected: Promise<void> | undefined;
  /**
   * The client once connected, waiting up to `commandTimeoutMs` for a (re)connection: commands are
   * not queued while Redis is away (the queue would grow without bound), they fail and say why.
   */
  const connected = async (): Promise<LogRedis> => {
    const redis = await ready;
    if (redis.status === 'ready') return redis;
    if (redis.status === 'end') throw new Error('the Redis log store is closed');
    reconnected ??= new Promise<void>((resolve) =>
      redis.once('ready', () => {
        reconnected = undefined;
        resolve();
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        reconnected,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`Redis (log store) is not connected (${redis.status}) after ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
    return redis;
  };

  /** The tail hears every instance: a subscriber connection, opened for the first listener. */
  const listen = async () => {
    const redis = await connected();
    subscriber = redis.duplicate({ enableOfflineQueue: true, commandTimeout: undefined });
    subscriber.on('error', () => {});
    subscriber.on('message', (_channel: string, id: string) => {
      void redis.hget(dataKey, id).then(
        (json) => json && listeners.emit(JSON.parse(json) as LogRecord),
        () => {},
      );
    });
    await subscriber.subscribe(channel);
  };
  let listening: Promise<void> | undefined;
  const startListening = () => {
    listening ??= listen().catch(() => {
      listening = undefined; // the next subscriber tries again
    });
    return listening;
  };

  const fetchBatch: FetchBatch = async (before, size) => {
    const redis = await connected();
    const max = Number.isFinite(before) ? `(${before}` : '+inf';
    const found = await redis.zrevrangebyscore(orderKey, max, '-inf', 'WITHSCORES', 'LIMIT', 0, size);
    if (!found.length) return { records: [], next: null };
    const ids = found.filter((_, index) => index % 2 === 0);
    const values = await redis.hmget(dataKey, ...ids);
    const cutoff = Date.now() - keep.maxAgeMs;
    const records = [];
    for (let index = 0; index < ids.length; index++) {
      const json = values[index];
      if (!json) continue; // trimmed by another instance between the two reads
      const record = JSON.parse(json) as LogRecord;
      if (Date.parse(record.start_time) >= cutoff) records.push({ seq: Number(found[index * 2 + 1]), record });
    }
    return { records, next: ids.length < size ? null : Number(found[found.length - 1]) };
  };

  return {
    kind: 'redis',
    async add(record) {
      const redis = await connected();
      const form = storedForm(record, keep);
      const seq = await redis.mgAddLog(
        ...keys,
        record.id,
        form.json,
        Date.parse(record.start_time),
        keep.maxRecords,
        keep.maxBytes,
        Date.now() - keep.maxAgeMs,
      );
      if (seq) await redis.publish(channel, record.id);
    },
    list: (filter, page) => pageFromBatches(fetchBatch, filter, page.limit, cursorSeq(page.cursor)),
    async get(id) {
      const json = await (await connected()).hget(dataKey, id);
      if (!json) return null;
      const record = JSON.parse(json) as LogRecord;
      return Date.parse(record.start_time) >= Date.now() - keep.maxAgeMs ? record : null;
    },
    scan: (filter, max) => scanBatches(fetchBatch, filter, max),
    subscribe(listener) {
      const stop = listeners.add(listener);
      void startListening();
      return stop;
    },
    listening: startListening,
    async close() {
      subscriber?.disconnect();
      const redis = await ready.catch(() => undefined);
      if (redis && !options.client) redis.disconnect();
    },
  };
}
