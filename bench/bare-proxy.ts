/**
 * The floor: the least a proxy must do. It reads the request body, forwards it with undici (same
 * agent settings as modelgate's transport) and relays status, content type and body bytes.
 * No parsing, no routing, no logging. One of node:http, Express or Koa.
 *
 *   node --import tsx bench/bare-proxy.ts node|express|koa <upstream origin>
 */
import express from 'express';
import Koa from 'koa';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { processStats, serveParent } from './lib/child.js';

const [framework, upstreamOrigin] = process.argv.slice(2);
const agent = new Agent({ connections: 256, keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 });
const upstreamHeaders = { 'content-type': 'application/json', authorization: 'Bearer sk-bench-not-a-real-key' };
let requests = 0;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

function forward(path: string, body: Buffer, signal: AbortSignal) {
  return request(upstreamOrigin + path, { dispatcher: agent, method: 'POST', headers: upstreamHeaders, body, signal });
}

function abortOnClose(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

async function nodeHandler(req: IncomingMessage, res: ServerResponse): Promise<void> {
  requests++;
  const signal = abortOnClose(res);
  try {
    const upstream = await forward(req.url!, await readBody(req), signal);
    res.writeHead(upstream.statusCode, { 'content-type': String(upstream.headers['content-type']) });
    for await (const chunk of upstream.body) {
      if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  } catch {
    res.destroy();
  }
}

function app(): (req: IncomingMessage, res: ServerResponse) => void {
  if (framework === 'node') return (req, res) => void nodeHandler(req, res);
  if (framework === 'express') {
    const expressApp = express();
    expressApp.post('/v1/chat/completions', (req, res) => void nodeHandler(req, res));
    expressApp.post('/v1/messages', (req, res) => void nodeHandler(req, res));
    return expressApp;
  }
  const koa = new Koa();
  koa.silent = true; // a load generator cutting its last streams is not news
  koa.use(async (ctx) => {
    if (ctx.method !== 'POST') return;
    requests++;
    const upstream = await forward(ctx.path, await readBody(ctx.req), abortOnClose(ctx.res));
    ctx.status = upstream.statusCode;
    ctx.type = String(upstream.headers['content-type']);
    ctx.body = upstream.body;
  });
  return koa.callback();
}

const server = createServer(app());
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  serveParent({ port }, { stats: () => ({ ...processStats(), requests, logRecords: null }) });
});
