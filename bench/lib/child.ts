/**
 * Runs each part of the benchmark (upstream, proxy under test, load generator) in its own Node
 * process, optionally pinned to one CPU with `taskset`, and talks to it over the IPC channel with
 * request/reply messages.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { BUILD_DIR } from './build.js';

export interface Child {
  pid: number;
  /** Sends a command and resolves with the child's reply. */
  call<T = any>(command: string, args?: unknown): Promise<T>;
  /** The first message the child sent (its `ready` message, e.g. its port). */
  ready: Promise<any>;
  stop(): Promise<void>;
}

export interface ChildOptions {
  /** CPU list for `taskset -c`, e.g. '1'. Ignored when taskset is missing. */
  cpu?: string;
  /** Extra node flags, e.g. ['--cpu-prof']. */
  nodeFlags?: string[];
  env?: Record<string, string>;
  /** The bundle to run from (default: .bench/build). */
  buildDir?: string;
}

export const HAS_TASKSET = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** Starts `script` (a bench entry, e.g. `bare-proxy`) from the bundle `buildBench()` wrote. */
export function startChild(script: string, args: string[], options: ChildOptions = {}): Child {
  const node = [
    process.execPath,
    ...(options.nodeFlags ?? []),
    join(options.buildDir ?? BUILD_DIR, `${script}.js`),
    ...args,
  ];
  const [command, ...rest] = options.cpu !== undefined && HAS_TASKSET ? ['taskset', '-c', options.cpu, ...node] : node;
  const child: ChildProcess = spawn(command, rest, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...options.env },
  });
  const pending = new Map<number, { resolve: (value: any) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      for (const waiter of pending.values()) waiter.reject(new Error(`${script} exited`));
      pending.clear();
      resolve();
    }),
  );
  const ready = new Promise<any>((resolve, reject) => {
    child.once('message', (message: any) =>
      message?.type === 'ready' ? resolve(message) : reject(new Error(`${script}: unexpected first message`)),
    );
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
  ready.catch(() => {});
  child.on('message', (message: any) => {
    if (message?.type !== 'reply') return;
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(message.error));
    else waiter.resolve(message.value);
  });
  return {
    pid: child.pid!,
    ready,
    call(command, callArgs) {
      if (exited) return Promise.reject(new Error(`${script} is not running`));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ type: 'call', id, command, args: callArgs });
      });
    },
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

type Handler = (args: any) => unknown;

/** In the child: announce readiness and answer the parent's commands. */
export function serveParent(ready: Record<string, unknown>, handlers: Record<string, Handler>): void {
  process.on('message', async (message: any) => {
    if (message?.type !== 'call') return;
    try {
      const handler = handlers[message.command];
      if (!handler) throw new Error(`unknown command ${message.command}`);
      const value = await handler(message.args);
      process.send!({ type: 'reply', id: message.id, value });
    } catch (error) {
      process.send!({ type: 'reply', id: message.id, error: String((error as Error)?.stack ?? error) });
    }
  });
  // The parent going away (Ctrl-C, crash) takes the child with it.
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
  process.send!({ type: 'ready', ...ready });
}

/** What every proxy process reports: CPU time and memory, read inside the process. */
export function processStats() {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return {
    cpuMicros: cpu.user + cpu.system,
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    external: memory.external,
    arrayBuffers: memory.arrayBuffers,
    maxRss: process.resourceUsage().maxRSS * 1024,
  };
}
