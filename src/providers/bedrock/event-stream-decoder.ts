/**
 * Cuts a ConverseStream body (`application/vnd.amazon.eventstream`) into its events. Messages are
 * length-prefixed binary frames (https://smithy.io/2.0/aws/amazon-eventstream.html); a network
 * chunk may hold several of them or a fraction of one. @smithy/eventstream-codec checks both CRCs
 * and parses the headers of each complete frame; this file does the framing and the semantics:
 * `event` messages become `{ eventType, payload }`, `exception` and `error` messages UpstreamErrorEvents
 * (the engine classifies them).
 */
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8 } from '@smithy/util-utf8';
import { upstreamInvalidStream, upstreamTooLarge } from '../../errors.js';
import type { StreamDecoder } from '../types.js';
import { bedrockErrorEvent } from './errors.js';
import type { ConverseStreamEvent } from './types.js';

/** Prelude (8) + prelude CRC (4) + message CRC (4). */
const MIN_MESSAGE = 16;
/**
 * The spec's payload (24 MiB) and header (128 KiB) limits plus the overhead: anything longer is
 * corruption. A message over `maxEventBytes` (`responseLimitBytes`) is refused from its prelude,
 * before its bytes are kept.
 */
const MAX_MESSAGE = 24 * 1024 * 1024 + 128 * 1024 + MIN_MESSAGE;

type Headers = ReturnType<EventStreamCodec['decode']>['headers'];

/** Payloads are decoded with one shared TextDecoder (about twice as fast as a Buffer round trip). */
const utf8 = new TextDecoder();
const toUtf8 = (bytes: Uint8Array): string => utf8.decode(bytes);

/**
 * Every message carries the same few header names and values (`:event-type`, `contentBlockDelta`,
 * ...): a small cache of their decoded strings, checked byte for byte, spares six decodes per event.
 */
const SHORT = 32;
const headerStrings: Array<{ bytes: Uint8Array; text: string }> = [];
function headerUtf8(bytes: Uint8Array): string {
  const length = bytes.byteLength;
  if (length > SHORT) return utf8.decode(bytes);
  search: for (const entry of headerStrings) {
    if (entry.bytes.byteLength !== length) continue;
    for (let i = 0; i < length; i++) if (entry.bytes[i] !== bytes[i]) continue search;
    return entry.text;
  }
  const text = utf8.decode(bytes);
  if (headerStrings.length < 64) headerStrings.push({ bytes: bytes.slice(), text });
  return text;
}

export function bedrockEventStreamDecoder(
  providerId: string,
  maxEventBytes = Infinity,
): StreamDecoder<ConverseStreamEvent> {
  const codec = new EventStreamCodec(headerUtf8, fromUtf8);
  /**
   * A message that spans network chunks, filled in place as its bytes come (its length is known
   * from its prelude): each byte is copied once, whatever the size of the chunks. A copy, since the
   * network buffer is not ours to keep.
   */
  let partial: { bytes: Uint8Array; filled: number } | undefined;
  /** The first bytes of a message whose 4-byte length has not arrived whole yet. */
  let prelude: Uint8Array | undefined;
  /** An error met after other events of the same chunk: thrown on the next call, so order holds. */
  let pendingError: Error | undefined;

  const invalid = (reason: string, cause?: unknown) =>
    upstreamInvalidStream(`Provider \`${providerId}\` sent a malformed event stream: ${reason}.`, cause);

  /** An event, or the error a message stands for (a malformed one, or the upstream's own exception). */
  function toEvent(headers: Headers, body: Uint8Array): ConverseStreamEvent | Error {
    const messageType = stringHeader(headers, ':message-type');
    if (messageType === 'event') {
      const eventType = stringHeader(headers, ':event-type');
      if (eventType === undefined) return invalid('an event without :event-type');
      let payload: unknown;
      try {
        payload = body.byteLength === 0 ? {} : JSON.parse(toUtf8(body));
      } catch (error) {
        return invalid(`the ${eventType} payload is not JSON`, error);
      }
      return { eventType, payload } as ConverseStreamEvent;
    }
    if (messageType === 'exception') {
      let message: string | undefined;
      try {
        const payload = JSON.parse(toUtf8(body)) as { message?: unknown; Message?: unknown };
        message =
          typeof payload.message === 'string'
            ? payload.message
            : typeof payload.Message === 'string'
              ? payload.Message
              : undefined;
      } catch {
        message = undefined;
      }
      return bedrockErrorEvent(stringHeader(headers, ':exception-type') ?? 'unknownException', message);
    }
    if (messageType === 'error') {
      return bedrockErrorEvent(
        stringHeader(headers, ':error-code') ?? 'unknownError',
        stringHeader(headers, ':error-message'),
      );
    }
    return invalid(`unknown :message-type ${JSON.stringify(messageType)}`);
  }

  /** The length in a message's prelude, checked before any of its bytes are kept. */
  function messageLength(buffer: Uint8Array, offset: number): number {
    const length =
      ((buffer[offset] << 24) | (buffer[offset + 1] << 16) | (buffer[offset + 2] << 8) | buffer[offset + 3]) >>> 0;
    if (length < MIN_MESSAGE || length > MAX_MESSAGE) throw invalid(`a message length of ${length} bytes`);
    if (length > maxEventBytes) throw upstreamTooLarge('a stream event', maxEventBytes);
    return length;
  }

  /** Decodes one whole message into `events`; false once an error ends the chunk (thrown now or next call). */
  function decodeMessage(message: Uint8Array, events: ConverseStreamEvent[]): boolean {
    let decoded: ReturnType<EventStreamCodec['decode']>;
    try {
      decoded = codec.decode(message);
    } catch (error) {
      throw invalid(error instanceof Error ? error.message : 'undecodable message', error);
    }
    const event = toEvent(decoded.headers, decoded.body);
    if (event instanceof Error) {
      if (events.length === 0) throw event;
      pendingError = event;
      return false;
    }
    events.push(event);
    return true;
  }

  function push(bytes: Uint8Array): ConverseStreamEvent[] {
    if (pendingError) throw pendingError;
    // A plain Uint8Array view: subarrays of a Node Buffer are Buffers, slower to make.
    let buffer = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (prelude) {
      const joined = new Uint8Array(prelude.byteLength + buffer.byteLength);
      joined.set(prelude, 0);
      joined.set(buffer, prelude.byteLength);
      buffer = joined;
      prelude = undefined;
    }
    const events: ConverseStreamEvent[] = [];
    let offset = 0;
    if (partial) {
      const take = Math.min(partial.bytes.byteLength - partial.filled, buffer.byteLength);
      partial.bytes.set(buffer.subarray(0, take), partial.filled);
      partial.filled += take;
      offset = take;
      if (partial.filled < partial.bytes.byteLength) return events;
      const message = partial.bytes;
      partial = undefined;
      if (!decodeMessage(message, events)) return events;
    }
    while (buffer.byteLength - offset >= 4) {
      const length = messageLength(buffer, offset);
      if (buffer.byteLength - offset < length) {
        partial = { bytes: new Uint8Array(length), filled: buffer.byteLength - offset };
        partial.bytes.set(buffer.subarray(offset));
        return events;
      }
      if (!decodeMessage(buffer.subarray(offset, offset + length), events)) return events;
      offset += length;
    }
    if (offset < buffer.byteLength) prelude = buffer.slice(offset); // fewer than 4 bytes, copied
    return events;
  }

  return {
    push,
    end() {
      if (pendingError) throw pendingError;
      const left = partial ? partial.filled : prelude?.byteLength;
      if (left) throw invalid(`the stream ended inside a message (${left} bytes left)`);
      return [];
    },
  };
}

function stringHeader(headers: Headers, name: string): string | undefined {
  const header = headers[name];
  return header?.type === 'string' ? header.value : undefined;
}
