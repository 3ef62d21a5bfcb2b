/**
 * A loopback OpenAI-compatible upstream that does, for each attempt of each request, what the
 * request's plan says: answer, fail with an HTTP status, reset or stall the connection, or send
 * broken, truncated or oversized data. Requests name their plan in the first message
 * (`chaos <id>`); the attempts of one request arrive one after the other.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { answerPieces, POLICY, type AttemptPlan, type RequestPlan } from './faults.js';

export interface FaultUpstream {
  origin: string;
  plans: Map<number, RequestPlan>;
  /** Requests whose response has not closed yet (must be 0 when the gateway is idle). */
  active(): number;
  openSockets(): number;
  /** Attempts seen per request id. */
  attemptsSeen: Map<number, number>;
  close(): Promise<void>;
}

const created = 1_700_000_000;

function chunk(id: number, model: string, delta: object, finish: string | null = null): string {
  return `data: ${JSON.stringify({ id: `chatcmpl-chaos-${id}`, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

function completion(id: number, model: string, content: string): string {
  return JSON.stringify({
    id: `chatcmpl-chaos-${id}`,
    object: 'chat.completion',
    created,
    model,
    choices: [
      { index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' },
    ],
    usage: { prompt_tokens: 9, completion_tokens: 6, total_tokens: 15 },
  });
}

function errorBody(status: number): string {
  return JSON.stringify({
    error: {
      message: `injected HTTP ${status}`,
      type: status === 429 ? 'rate_limit_error' : 'server_error',
      param: null,
      code: null,
    },
  });
}

export async function startFaultUpstream(): Promise<FaultUpstream> {
  const plans = new Map<number, RequestPlan>();
  const attemptsSeen = new Map<number, number>();
  const sockets = new Set<Socket>();
  let active = 0;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    active++;
    res.once('close', () => active--);
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(parts).toString('utf8'));
      const id = Number(/^chaos (\d+)$/.exec(body.messages?.[0]?.content ?? '')?.[1]);
      const plan = plans.get(id);
      if (!plan) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(errorBody(400));
        return;
      }
      const attempt = attemptsSeen.get(id) ?? 0;
      attemptsSeen.set(id, attempt + 1);
      const target = req.url!.startsWith('/primary/') ? 0 : 1;
      answer(res, plan.attempts[attempt] ?? { fault: 'ok', frames: 0 }, {
        id,
        target,
        attempt,
        stream: body.stream === true,
        model: body.model,
        usage: body.stream_options?.include_usage === true,
      });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    plans,
    attemptsSeen,
    active: () => active,
    openSockets: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface Context {
  id: number;
  target: number;
  attempt: number;
  stream: boolean;
  model: string;
  usage: boolean;
}

function answer(res: ServerResponse, plan: AttemptPlan, context: Context): void {
  const { fault, frames } = plan;
  const pieces = answerPieces(context.id, context.target, context.attempt);
  const status = /^http(\d+)/.exec(fault)?.[1];
  if (status) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (fault === 'http429-retry') headers['retry-after'] = '0';
    if (fault === 'http429-wait') headers['retry-after'] = '30';
    res.writeHead(Number(status), headers).end(errorBody(Number(status)));
    return;
  }
  switch (fault) {
    case 'reset-before-headers':
      res.socket?.destroy();
      return;
    case 'stall-before-headers':
      return; // the gateway's first-byte timeout ends it
  }
  if (!context.stream) return answerJson(res, fault, context, pieces.join(''));
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const sent = fault === 'ok' ? pieces.length : frames;
  let out = '';
  for (let i = 0; i < sent; i++)
    out += chunk(
      context.id,
      context.model,
      i === 0 ? { role: 'assistant', content: pieces[i] } : { content: pieces[i] },
    );
  // Each fault right after the frames, in the same write: the gateway must cope with any cut.
  switch (fault) {
    case 'ok':
      out += chunk(context.id, context.model, {}, 'stop');
      if (context.usage)
        out += `data: ${JSON.stringify({ id: `chatcmpl-chaos-${context.id}`, object: 'chat.completion.chunk', created, model: context.model, choices: [], usage: { prompt_tokens: 9, completion_tokens: 6, total_tokens: 15 } })}\n\n`;
      res.end(`${out}data: [DONE]\n\n`);
      return;
    case 'reset-mid-stream':
      res.write(out, () => res.socket?.destroy());
      return;
    case 'stall-mid-stream':
      res.write(out);
      return; // the gateway's idle timeout ends it
    case 'malformed-sse':
      res.end(': not an event\n\nevent: nonsense\nretry: soon\n\n:\n\n');
      return;
    case 'malformed-usage':
      res.end(
        `${out}${chunk(context.id, context.model, {}, 'stop')}data: {"id":"chatcmpl-chaos-${context.id}","choices":[],"usage":{"prompt_tokens":9,"completion_\n\ndata: [DONE]\n\n`,
      );
      return;
    case 'truncated-json':
      res.end(
        `${out}data: {"id":"chatcmpl-chaos-${context.id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"lo`,
      );
      return;
    case 'oversized':
      res.write(out);
      writeOversized(res, `data: {"choices":[{"index":0,"delta":{"content":"`, '"}}]}\n\n');
      return;
  }
}

function answerJson(res: ServerResponse, fault: AttemptPlan['fault'], context: Context, content: string): void {
  const body = completion(context.id, context.model, content);
  switch (fault) {
    case 'ok':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
      return;
    case 'reset-mid-body':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.write(body.slice(0, 40), () => res.socket?.destroy());
      return;
    case 'stall-mid-body':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.write(body.slice(0, 40));
      return; // the gateway's idle timeout ends it
    case 'truncated-json': {
      const cut = body.slice(0, body.length - 25);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(cut) }).end(cut);
      return;
    }
    case 'oversized':
      res.writeHead(200, { 'content-type': 'application/json' });
      writeOversized(res, body.replace(/"usage".*$/, '"padding":"'), '"}');
      return;
  }
}

/** Just over the gateway's limit, in pieces, then the end that makes it valid. */
function writeOversized(res: ServerResponse, head: string, tail: string): void {
  res.write(head);
  const filler = Buffer.alloc(16 * 1024, 'x');
  let written = 0;
  const more = () => {
    while (written <= POLICY.responseLimitBytes && !res.destroyed) {
      written += filler.length;
      if (!res.write(filler)) return void res.once('drain', more);
    }
    if (!res.destroyed) res.end(tail);
  };
  more();
}
