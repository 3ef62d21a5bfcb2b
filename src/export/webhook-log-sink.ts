/**
 * `webhookLogSink()`: each log record POSTed alone as a JSON object, signed the way Keywords AI
 * signs its webhooks: the hex HMAC-SHA256 of the exact body bytes, keyed with the shared secret, in
 * `X-Keywordsai-Signature` (another header name if your receiver expects one). The receiver
 * recomputes it over the raw body and compares in constant time. Queue, retries and drops are
 * `httpLogSink`'s.
 */
import { httpLogSink, type HttpLogSink, type HttpLogSinkOptions } from './http-log-sink.js';

export interface WebhookLogSinkOptions extends Omit<HttpLogSinkOptions, 'sign' | 'encode' | 'maxBatch'> {
  /** The shared secret the signature is keyed with. */
  secret: string;
  /** Default `X-Keywordsai-Signature`. */
  signatureHeader?: string;
}

export function webhookLogSink(options: WebhookLogSinkOptions): HttpLogSink {
  const { secret, signatureHeader, ...rest } = options;
  if (typeof secret !== 'string' || secret.length === 0) throw new TypeError('webhookLogSink: `secret` is required');
  return httpLogSink({
    ...rest,
    maxBatch: 1,
    encode: ([record]) => ({ body: record, contentType: 'application/json' }),
    sign: { secret, header: signatureHeader },
  });
}
