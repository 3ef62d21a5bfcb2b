/**
 * Express apps often run a compression middleware (`compression`), which holds response writes back
 * until `res.flush()` or the end. A stream must still reach the client as it is produced.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expressGateway } from '../adapters/express/index.js';
import { createGateway, type Gateway } from '../src/index.js';

/**
 * What `compression` does to a response, without the zlib part (the package is not a dependency
 * here): writes are held back until `flush()` is called or the response ends.
 */
function holdWritesUntilFlush(_req: Request, res: Response, next: NextFunction): void {
  const held: Array<string | Uint8Array> = [];
  const write = res.write.bind(res) as (chunk: string | Uint8Array) => boolean;
  const end = res.end.bind(res) as (chunk?: unknown) => Response;
  const release = () => {
    for (const piece of held.splice(0)) write(piece);
  };
  res.write = ((piece: string | Uint8Array) => {
    held.push(piece);
    return true;
  }) as Response['write'];
  (res as Response & { flush: () => void }).flush = release;
  res.end = ((piece?: unknown) => {
    release();
    return end(piece);
  }) as Response['end'];
  next();
}

let gateway: Gateway;
let server: Server;
let baseURL: string;

beforeAll(async () => {
  // The demo provider streams one word every 40 ms: about a second for its whole answer.
  gateway = createGateway({ providers: { demo: { wordDelayMs: 40 } } });
  const app = express();
  app.use(holdWritesUntilFlush);
  app.use('/api', expressGateway(gateway));
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await gateway.close();
});

describe('behind a compression middleware', () => {
  it('flushes every piece of a stream, so the first tokens arrive long before the end', async () => {
    const started = performance.now();
    const response = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'demo-chat', stream: true, messages: [{ role: 'user', content: 'Hello' }] }),
    });
    const reader = response.body!.getReader();
    let firstAt: number | undefined;
    let text = '';
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (text.includes('"content":"Hello')) firstAt ??= performance.now() - started;
    }
    const endAt = performance.now() - started;
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(firstAt).toBeDefined();
    // Held back until the end, the first words would arrive with the last ones.
    expect(endAt - firstAt!).toBeGreaterThan(500);
  });
});
