/**
 * The pass-through streams (docs/passthrough.md): an upload reaches the upstream while the client is
 * still sending it, and a download reaches the client while the upstream is still sending it. Each
 * side holds its last piece back until the other side saw the first one: a gateway that buffered
 * the whole body would wait forever (the test times out).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/index.js';
import { startHost, type Host } from './helpers/hosts.js';
import { logCollector } from './helpers/logs.js';

const PIECE = Buffer.alloc(256 * 1024, 120);

function signal() {
  let fire!: () => void;
  const fired = new Promise<void>((resolve) => (fire = resolve));
  return { fire, fired };
}

let upstream: Server;
let gateway: Gateway;
let host: Host;
const logs = logCollector();
const uploadSeen = signal();
const downloadSeen = signal();
let uploadedBytes = 0;

beforeAll(async () => {
  upstream = createServer((request, response) => {
    if (request.method === 'POST') {
      request.on('data', (chunk: Buffer) => {
        uploadedBytes += chunk.length;
        uploadSeen.fire();
      });
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ id: 'upload-1', bytes: uploadedBytes }));
      });
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    response.write(PIECE);
    if (request.url?.includes('endless')) return; // never ends: the client leaves
    void downloadSeen.fired.then(() => response.end(PIECE));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const { port } = upstream.address() as AddressInfo;
  gateway = createGateway({
    providers: { openai: { apiKey: 'sk-test-streaming-0001', baseURL: `http://127.0.0.1:${port}/v1` } },
    passthrough: { provider: 'openai' },
    bodyLimitBytes: 4 * PIECE.length,
    onLog: logs.sink,
  });
  host = await startHost('express', gateway);
});
afterAll(async () => {
  await host.close();
  await gateway.close();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

describe('pass-through streaming', () => {
  it('sends an upload on before the client finished it', async () => {
    let sent = 0;
    const response = await fetch(`${host.baseURL}/uploads/upload-1/parts`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new ReadableStream({
        async pull(controller) {
          if (sent === 0) controller.enqueue(PIECE);
          else if (sent === 1) {
            await uploadSeen.fired; // the upstream has the first piece while the second is unsent
            controller.enqueue(PIECE);
          } else controller.close();
          sent++;
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 'upload-1', bytes: 2 * PIECE.length });
    expect((await logs.settle(1))[0]).toMatchObject({ bytes_in: 2 * PIECE.length, status_code: 200 });
  });

  it('hands a download to the client before the upstream finished it', async () => {
    logs.records.length = 0;
    const response = await fetch(`${host.baseURL}/files/file-1/content`);
    const reader = response.body!.getReader();
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.length;
      if (received >= PIECE.length) downloadSeen.fire();
    }
    expect(received).toBe(2 * PIECE.length);
    expect((await logs.settle(1))[0]).toMatchObject({ bytes_out: 2 * PIECE.length, status_code: 200 });
  });

  it('logs a client that leaves mid-download as aborted and releases the upstream', async () => {
    logs.records.length = 0;
    const response = await fetch(`${host.baseURL}/files/endless/content`);
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    const [record] = await logs.settle(1);
    expect(record).toMatchObject({ endpoint: 'passthrough', status: 'aborted', client_aborted: true });
    expect(record.bytes_out).toBeGreaterThan(0);
  });
});
