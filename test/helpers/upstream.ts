/**
 * A real loopback HTTP server standing in for a provider. Tests program what it answers and read
 * what it received (method, URL, headers, parsed JSON body).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: any;
  /** The body exactly as received (signatures are computed over it). */
  rawBody: string;
  /** Resolves when the client (the gateway) closed or aborted this request. */
  closed: Promise<void>;
}

export type UpstreamHandler = (request: ReceivedRequest, response: ServerResponse) => void | Promise<void>;

export interface Upstream {
  /** e.g. http://127.0.0.1:PORT */
  origin: string;
  /** origin + /v1, what OpenAI-compatible providers take as baseURL */
  baseURL: string;
  requests: ReceivedRequest[];
  handle(handler: UpstreamHandler): void;
  /** Answers the n-th request (0-based) with this handler, others with the default one. */
  handleNth(n: number, handler: UpstreamHandler): void;
  /** Forgets the received requests and the per-request handlers. */
  reset(): void;
  openSockets(): number;
  close(): Promise<void>;
}

export async function startUpstream(
  handler: UpstreamHandler = (_request, response) => json(response, 200, {}),
): Promise<Upstream> {
  let current = handler;
  const perIndex = new Map<number, UpstreamHandler>();
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      return; // the client (the gateway) aborted mid-body, as a pass-through does past the body limit
    }
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // keep the text
    }
    const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
    const request: ReceivedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body,
      rawBody: text,
      closed,
    };
    const index = requests.push(request) - 1;
    try {
      await (perIndex.get(index) ?? current)(request, res);
    } catch {
      res.destroy();
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    baseURL: `${origin}/v1`,
    requests,
    handle(next) {
      current = next;
    },
    handleNth(n, next) {
      perIndex.set(n, next);
    },
    reset() {
      requests.length = 0;
      perIndex.clear();
    },
    openSockets: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export function json(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

export function openAIError(
  response: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  json(
    response,
    status,
    { error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', param: null, code: null } },
    headers,
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes SSE frames (strings are sent as `data:` payloads) with an optional pause between them. */
export async function sse(
  response: ServerResponse,
  payloads: ReadonlyArray<string | object>,
  options: { delayMs?: number; done?: boolean; raw?: boolean; headers?: Record<string, string> } = {},
): Promise<void> {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...options.headers });
  for (const payload of payloads) {
    if (response.destroyed) return;
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
    response.write(options.raw ? text : `data: ${text}\n\n`);
    if (options.delayMs) await sleep(options.delayMs);
  }
  if (options.done !== false && !options.raw) response.write('data: [DONE]\n\n');
  response.end();
}
