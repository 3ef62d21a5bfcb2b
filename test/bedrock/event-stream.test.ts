/**
 * The ConverseStream decoder against binary event-stream messages encoded with
 * @smithy/eventstream-codec (framing: https://smithy.io/2.0/aws/amazon-eventstream.html), cut at
 * every byte offset, byte by byte, and with the exception and error messages the API defines
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html).
 */
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { describe, expect, it } from 'vitest';
import { upstreamEventError } from '../../src/engine/upstream-error.js';
import { GatewayError } from '../../src/errors.js';
import { bedrockProvider } from '../../src/providers/bedrock/index.js';
import { bedrockEventStreamDecoder } from '../../src/providers/bedrock/event-stream-decoder.js';
import type { ConverseStreamEvent } from '../../src/providers/bedrock/types.js';
import { UpstreamErrorEvent } from '../../src/providers/kit/upstream-error-event.js';
import { errorMessage, eventMessage, eventStreamBytes, exceptionMessage } from '../helpers/bedrock.js';
import { PARALLEL_TOOLS_STREAM, TEXT_STREAM } from '../helpers/bedrock-wire.js';

const expected = (events: ReadonlyArray<readonly [string, unknown]>) =>
  events.map(([eventType, payload]) => ({ eventType, payload }));

function decodeInPieces(bytes: Uint8Array, cuts: readonly number[]): ConverseStreamEvent[] {
  const decoder = bedrockEventStreamDecoder('bedrock');
  const events: ConverseStreamEvent[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.byteLength]) {
    events.push(...decoder.push(bytes.slice(start, cut)));
    start = cut;
  }
  events.push(...decoder.end());
  return events;
}

/** The provider whose key the engine scrubs out of what the upstream said. */
const provider = bedrockProvider({ id: 'bedrock', region: 'us-east-1', apiKey: 'sk-test-secret-in-message' });

/** What the client would get: the upstream's own exceptions go through the engine's classification. */
function caught(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof UpstreamErrorEvent) return upstreamEventError(provider, error);
    if (GatewayError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('bedrockEventStreamDecoder', () => {
  const bytes = eventStreamBytes(TEXT_STREAM);

  it('decodes a whole body into events, padding field and all', () => {
    expect(decodeInPieces(bytes, [])).toEqual(expected(TEXT_STREAM));
  });

  it('gives the same events for a split at every byte offset', () => {
    for (let cut = 1; cut < bytes.byteLength; cut++) {
      expect(decodeInPieces(bytes, [cut]), `cut at ${cut}`).toEqual(expected(TEXT_STREAM));
    }
  });

  it('gives the same events for three pieces cut at every pair of offsets around a message boundary', () => {
    const first = eventMessage(...TEXT_STREAM[0]).byteLength;
    for (let a = first - 20; a < first + 20; a++) {
      for (let b = a + 1; b < a + 40 && b < bytes.byteLength; b++) {
        expect(decodeInPieces(bytes, [a, b]), `cuts at ${a}, ${b}`).toEqual(expected(TEXT_STREAM));
      }
    }
  });

  it('gives the same events fed one byte at a time', () => {
    const tools = eventStreamBytes(PARALLEL_TOOLS_STREAM);
    const cuts = Array.from({ length: tools.byteLength - 1 }, (_, i) => i + 1);
    expect(decodeInPieces(tools, cuts)).toEqual(expected(PARALLEL_TOOLS_STREAM));
  });

  it('does not keep a reference to the network buffer it was handed', () => {
    const decoder = bedrockEventStreamDecoder('bedrock');
    const chunk = Buffer.from(bytes.subarray(0, 30));
    decoder.push(chunk);
    chunk.fill(0); // the transport may reuse its buffer
    const events = [...decoder.push(bytes.slice(30)), ...decoder.end()];
    expect(events).toEqual(expected(TEXT_STREAM));
  });

  // The attempt records the HTTP status each exception stands for (Bedrock's own for it), as an HTTP error would.
  it.each([
    ['throttlingException', 429, 'rate_limit_exceeded', true, 429],
    ['modelStreamErrorException', 502, 'model_stream_error', true, 424],
    ['internalServerException', 502, 'upstream_error', true, 500],
    ['serviceUnavailableException', 502, 'service_unavailable', true, 503],
    ['validationException', 400, 'invalid_request', false, 400],
  ] as const)('turns a %s message into a GatewayError (%i, %s)', (type, status, code, retryable, upstreamStatus) => {
    const decoder = bedrockEventStreamDecoder('bedrock');
    const error = caught(() =>
      decoder.push(exceptionMessage(type, { message: 'Something failed for sk-test-secret-in-message' })),
    );
    expect(error).toMatchObject({ status, code, retryable, upstreamStatus });
    expect(error.fallback).toBe(retryable);
    expect(error.message).toBe(
      `Provider \`bedrock\` sent an error in its stream: ${type}: Something failed for [redacted]`,
    );
  });

  it('reads modelStreamErrorException with its original status as the API reference defines it', () => {
    const decoder = bedrockEventStreamDecoder('bedrock');
    const payload = {
      message: 'Model Stream Error',
      originalStatusCode: 500,
      originalMessage: 'The model stream failed.',
    };
    expect(caught(() => decoder.push(exceptionMessage('modelStreamErrorException', payload))).message).toContain(
      'Model Stream Error',
    );
  });

  it('turns an unmodelled error message into a retryable 502', () => {
    const decoder = bedrockEventStreamDecoder('bedrock');
    const error = caught(() => decoder.push(errorMessage('InternalFailure', 'An internal error occurred.')));
    expect(error).toMatchObject({ status: 502, code: 'upstream_stream_error', retryable: true });
    expect(error.message).toContain('An internal error occurred.');
  });

  it('hands out the events before an exception in the same chunk, then throws', () => {
    const decoder = bedrockEventStreamDecoder('bedrock');
    const chunk = Buffer.concat([
      eventMessage(...TEXT_STREAM[0]),
      eventMessage(...TEXT_STREAM[1]),
      exceptionMessage('throttlingException', { message: 'Too many tokens' }),
    ]);
    expect(decoder.push(chunk)).toEqual(expected(TEXT_STREAM.slice(0, 2)));
    expect(caught(() => decoder.end())).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
  });

  it('refuses a message whose CRC does not match', () => {
    const corrupt = Buffer.from(eventMessage(...TEXT_STREAM[1]));
    corrupt[corrupt.byteLength - 10] ^= 0xff; // a payload byte
    const error = caught(() => bedrockEventStreamDecoder('bedrock').push(corrupt));
    expect(error).toMatchObject({ status: 502, code: 'upstream_invalid_stream', retryable: true });
    expect(error.message).toContain('checksum');
  });

  it('refuses a length prefix no message can have, without waiting for the bytes', () => {
    const error = caught(() =>
      bedrockEventStreamDecoder('bedrock').push(Uint8Array.from([0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0])),
    );
    expect(error).toMatchObject({ status: 502, code: 'upstream_invalid_stream' });
  });

  it('reports a stream that ends inside a message', () => {
    const decoder = bedrockEventStreamDecoder('bedrock');
    expect(decoder.push(bytes.slice(0, 40))).toEqual([]);
    expect(caught(() => decoder.end())).toMatchObject({
      status: 502,
      code: 'upstream_invalid_stream',
      retryable: true,
    });
  });

  it('refuses an event whose payload is not JSON', () => {
    const codec = new EventStreamCodec(toUtf8, fromUtf8);
    const message = codec.encode({
      headers: {
        ':event-type': { type: 'string', value: 'contentBlockDelta' },
        ':message-type': { type: 'string', value: 'event' },
      },
      body: Buffer.from('{not json'),
    });
    expect(caught(() => bedrockEventStreamDecoder('bedrock').push(message)).message).toContain(
      'contentBlockDelta payload is not JSON',
    );
  });

  it('refuses a message longer than maxEventBytes from its length prefix, naming the limit, without buffering it', () => {
    const decoder = bedrockEventStreamDecoder('bedrock', 1024);
    const large = eventMessage('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'x'.repeat(2_000) } });
    const error = caught(() => decoder.push(large.subarray(0, 8)));
    expect(error).toMatchObject({ status: 502, code: 'upstream_response_too_large', retryable: true });
    expect(error.message).toContain('1024 bytes (responseLimitBytes)');
    // Within the limit, the same decoder settings decode as before.
    expect(decodeInPieces(bytes, [])).toEqual(expected(TEXT_STREAM));
  });

  it('decodes a 16 MiB message arriving in 16 KiB chunks at linear cost', () => {
    const text = 'x'.repeat(16 * 1024 * 1024);
    const message = eventMessage('contentBlockDelta', { contentBlockIndex: 0, delta: { text } });
    const decoder = bedrockEventStreamDecoder('bedrock', 64 * 1024 * 1024);
    const events: ConverseStreamEvent[] = [];
    const before = process.cpuUsage();
    for (let at = 0; at < message.byteLength; at += 16 * 1024)
      events.push(...decoder.push(message.subarray(at, at + 16 * 1024)));
    events.push(...decoder.end());
    const used = process.cpuUsage(before);
    expect(events).toHaveLength(1);
    expect((events[0].payload as { delta: { text: string } }).delta.text.length).toBe(text.length);
    // Copying the held bytes again for every chunk cost seconds; filling one buffer costs a pass.
    expect((used.user + used.system) / 1000).toBeLessThan(1_000);
  });
});
