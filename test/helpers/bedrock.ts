/**
 * Bedrock on the wire, for loopback tests: the binary event-stream framing of ConverseStream
 * (encoded with @smithy/eventstream-codec, headers as the Amazon Event Stream specification names
 * them: https://smithy.io/2.0/aws/amazon-eventstream.html) and an independent SigV4 verifier
 * written from the AWS documentation
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html),
 * itself checked against vectors of the AWS SigV4 test suite in test/bedrock/sigv4.test.ts.
 */
import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { createHash, createHmac } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { ReceivedRequest } from './upstream.js';

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const str = (value: string) => ({ type: 'string' as const, value });

/** A modelled event: `:event-type`, `:content-type`, `:message-type` (the order live Bedrock streams use). */
export function eventMessage(eventType: string, payload: unknown): Uint8Array {
  const headers: MessageHeaders = {
    ':event-type': str(eventType),
    ':content-type': str('application/json'),
    ':message-type': str('event'),
  };
  return codec.encode({ headers, body: fromUtf8(JSON.stringify(payload)) });
}

/** A modelled error inside the stream (`:message-type: exception`). */
export function exceptionMessage(exceptionType: string, payload: unknown): Uint8Array {
  const headers: MessageHeaders = {
    ':exception-type': str(exceptionType),
    ':content-type': str('application/json'),
    ':message-type': str('exception'),
  };
  return codec.encode({ headers, body: fromUtf8(JSON.stringify(payload)) });
}

/** An unmodelled error (`:message-type: error`, code and message in headers, no payload). */
export function errorMessage(code: string, message: string): Uint8Array {
  const headers: MessageHeaders = {
    ':message-type': str('error'),
    ':error-code': str(code),
    ':error-message': str(message),
  };
  return codec.encode({ headers, body: new Uint8Array(0) });
}

/** `[eventType, payload]` pairs → one concatenated event-stream body. */
export function eventStreamBytes(events: ReadonlyArray<readonly [string, unknown]>): Uint8Array {
  return Buffer.concat(events.map(([type, payload]) => eventMessage(type, payload)));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Answers 200 with an event-stream body written in pieces cut at the given byte offsets (default:
 * awkward ones that split preludes, headers and payloads), pausing between pieces so that they
 * reach the gateway as separate TCP reads.
 */
export async function writeEventStream(
  response: ServerResponse,
  bytes: Uint8Array,
  cuts?: readonly number[],
  pauseMs = 2,
): Promise<void> {
  response.writeHead(200, {
    'content-type': 'application/vnd.amazon.eventstream',
    'x-amzn-requestid': 'test-request-id',
  });
  response.socket?.setNoDelay(true);
  let start = 0;
  for (const cut of [...(cuts ?? awkwardCuts(bytes.byteLength)), bytes.byteLength]) {
    if (cut <= start || cut > bytes.byteLength) continue;
    if (response.destroyed) return;
    response.write(Buffer.from(bytes.subarray(start, cut)));
    start = cut;
    await sleep(pauseMs);
  }
  response.end();
}

/** Offsets 1, 3, 7, 13, ... : inside the length prefix, the prelude CRC, headers, payloads. */
export function awkwardCuts(length: number): number[] {
  const cuts: number[] = [];
  for (let at = 1, step = 2; at < length; at += step, step = step * 2 + 1) cuts.push(at);
  return cuts;
}

/** A Bedrock HTTP error as restJson1 sends it: type in X-Amzn-Errortype, `{ message }` body. */
export function bedrockError(
  response: ServerResponse,
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify({ message });
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    ...headers,
  });
  response.end(text);
}

// ---- SigV4, written from the documentation, independent of aws4fetch ----

export interface TestCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding of every byte but A–Z a–z 0–9 - _ . ~ (SigV4's UriEncode). */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Non-S3 services: each segment of the (already encoded) path is URI-encoded once more. */
export function canonicalUri(rawPath: string): string {
  return rawPath.split('/').map(uriEncode).join('/') || '/';
}

export interface CanonicalInput {
  method: string;
  /** The path exactly as sent (percent-encoded once). */
  rawPath: string;
  query?: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  signedHeaders: readonly string[];
  body: string;
}

export function canonicalRequest(input: CanonicalInput): string {
  const query = (input.query ?? '')
    .split('&')
    .filter(Boolean)
    .map((pair) =>
      pair
        .split('=')
        .map((part) => uriEncode(decodeURIComponent(part)))
        .join('='),
    )
    .sort()
    .join('&');
  const headerLines = input.signedHeaders
    .map((name) => `${name}:${(input.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  return [
    input.method,
    canonicalUri(input.rawPath),
    query,
    headerLines,
    input.signedHeaders.join(';'),
    sha256(input.body),
  ].join('\n');
}

export function signature(
  canonical: string,
  secretAccessKey: string,
  amzDate: string,
  region: string,
  service: string,
): string {
  const date = amzDate.slice(0, 8);
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}

export interface VerifiedSignature {
  canonicalRequest: string;
  signedHeaders: string[];
  credentialScope: string;
}

/** Recomputes the signature of a request the loopback server received; throws when it differs. */
export function verifySigV4(
  request: ReceivedRequest,
  credentials: TestCredentials,
  region: string,
  service = 'bedrock',
): VerifiedSignature {
  const authorization = String(request.headers.authorization ?? '');
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (!match) throw new Error(`not a SigV4 authorization header: ${authorization.slice(0, 40)}...`);
  const [, accessKeyId, date, scopeRegion, scopeService, signedHeaderList, sent] = match;
  if (accessKeyId !== credentials.accessKeyId) throw new Error(`signed with access key ${accessKeyId}`);
  if (scopeRegion !== region || scopeService !== service)
    throw new Error(`credential scope ${scopeRegion}/${scopeService}, expected ${region}/${service}`);
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  if (amzDate.slice(0, 8) !== date) throw new Error('x-amz-date does not match the credential scope date');
  const signedHeaders = signedHeaderList.split(';');
  for (const required of ['host', 'x-amz-date', ...(credentials.sessionToken ? ['x-amz-security-token'] : [])]) {
    if (!signedHeaders.includes(required)) throw new Error(`${required} is not signed`);
  }
  const [rawPath, query] = splitUrl(request.url);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers))
    headers[name] = Array.isArray(value) ? value.join(',') : String(value ?? '');
  const canonical = canonicalRequest({
    method: request.method,
    rawPath,
    query,
    headers,
    signedHeaders,
    body: request.rawBody,
  });
  const expected = signature(canonical, credentials.secretAccessKey, amzDate, region, service);
  if (expected !== sent) throw new Error(`SigV4 signature mismatch:\n${canonical}`);
  return { canonicalRequest: canonical, signedHeaders, credentialScope: `${date}/${region}/${service}/aws4_request` };
}

function splitUrl(url: string): [string, string] {
  const q = url.indexOf('?');
  return q < 0 ? [url, ''] : [url.slice(0, q), url.slice(q + 1)];
}
