/**
 * An HTTP/1.1 client on a bare `net` socket, for what fetch and supertest cannot do: send a body
 * slowly (or never finish it), keep sending after the answer, and see when the server closes the
 * connection.
 */
import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** ms after the request started when the whole answer was in. */
  at: number;
}

export interface RawExchange {
  /** The answer, once its head and its Content-Length worth of body arrived. */
  answer: Promise<RawAnswer>;
  /** ms after the request started when the server closed the connection (end, reset or close). */
  closed: Promise<number>;
  /** How many body bytes the client managed to write. */
  sent(): number;
  /** Sends more of the body now (framed as a chunk with `chunked`). */
  write(data: string | Buffer): void;
  /** Stops sending and closes the socket. */
  destroy(): void;
}

export interface RawRequestOptions {
  method?: string;
  /** Header lines; `host` is added. */
  headers: Record<string, string>;
  /** Sent right after the head. */
  first?: string | Buffer;
  /** Then one piece every `everyMs`, until `pieces` ran out (endless when omitted) or the socket closed. */
  piece?: string | Buffer;
  pieces?: number;
  everyMs?: number;
  /** With `transfer-encoding: chunked`: frame each piece as a chunk, and send the last chunk at the end. */
  chunked?: boolean;
}

export function rawRequest(url: string, options: RawRequestOptions): RawExchange {
  const { hostname, port, pathname } = new URL(url);
  const started = performance.now();
  const socket = connect(Number(port), hostname);
  let written = 0;
  let timer: NodeJS.Timeout | undefined;
  let buffered = Buffer.alloc(0);
  const frame = (data: string | Buffer) => {
    const bytes = Buffer.from(data);
    return options.chunked
      ? Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')])
      : bytes;
  };
  const write = (data: Buffer) => {
    if (socket.destroyed || !socket.writable) return;
    socket.write(data, () => undefined);
    written += data.length;
  };

  const closed = new Promise<number>((resolve) => {
    const done = () => {
      clearInterval(timer);
      resolve(performance.now() - started);
    };
    socket.once('end', done);
    socket.once('close', done);
  });
  socket.on('error', () => undefined); // a reset once the server stops reading is expected

  const answer = new Promise<RawAnswer>((resolve, reject) => {
    socket.on('data', (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      const headEnd = buffered.indexOf('\r\n\r\n');
      if (headEnd === -1) return;
      const [statusLine, ...lines] = buffered.subarray(0, headEnd).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const rest = buffered.subarray(headEnd + 4);
      const body =
        headers['transfer-encoding'] === 'chunked'
          ? dechunk(rest)
          : rest.length >= Number(headers['content-length'] ?? 0)
            ? rest.subarray(0, Number(headers['content-length'] ?? 0))
            : undefined;
      if (body === undefined) return;
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: body.toString('utf8'),
        at: performance.now() - started,
      });
    });
    void closed.then(() =>
      reject(
        new Error(
          `the connection closed before a whole answer: ${JSON.stringify(buffered.toString('latin1').slice(0, 300))}`,
        ),
      ),
    );
  });
  answer.catch(() => undefined);

  socket.once('connect', () => {
    const head = [
      `${options.method ?? 'POST'} ${pathname} HTTP/1.1`,
      `host: ${hostname}:${port}`,
      ...Object.entries(options.headers).map(([name, value]) => `${name}: ${value}`),
    ];
    write(Buffer.from(`${head.join('\r\n')}\r\n\r\n`));
    if (options.first !== undefined) write(frame(options.first));
    if (options.piece === undefined) return;
    let left = options.pieces ?? Infinity;
    timer = setInterval(() => {
      if (left-- <= 0) {
        clearInterval(timer);
        if (options.chunked) write(Buffer.from('0\r\n\r\n'));
        return;
      }
      write(frame(options.piece!));
    }, options.everyMs ?? 20);
  });

  return {
    answer,
    closed,
    sent: () => written,
    write: (data) => write(frame(data)),
    destroy() {
      clearInterval(timer);
      socket.destroy();
    },
  };
}

/** A chunked body's content, once its last chunk arrived (undefined before). */
function dechunk(data: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd === -1) return undefined;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (size === 0) return Buffer.concat(parts);
    if (data.length < lineEnd + 2 + size + 2) return undefined;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
