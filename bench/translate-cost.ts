/**
 * CPU per stream event in the engine's stream relays, in process, without sockets: an OpenAI stream
 * through the pass-through relay, and an Anthropic stream through decoding, translation to OpenAI
 * chunks and serialisation (when this build has the Anthropic provider). One network chunk per
 * event, as a real token stream arrives, so the per-chunk costs are all counted. The relays are
 * driven as the engine drives them: synchronously, one `push` per network chunk (a build from before
 * the synchronous relays is measured through its async generators, as that engine ran them).
 *
 *   npm run bench -- --scenarios translate   (or, after a bench build: node .bench/build/translate-cost.js)
 */
import * as passthroughModule from '../src/engine/passthrough-stream.js';
import * as translatedModule from '../src/engine/translated-stream.js';
import { createProviders } from '../src/providers/create-providers.js';
import type { Provider, ProviderCall } from '../src/providers/types.js';
import { anthropicStreamFrames, openAIStreamFrames } from './lib/payloads.js';

function anthropicProvider(): Provider | undefined {
  try {
    return createProviders({ anthropic: { apiKey: 'sk-ant-bench-not-real' } as never }).get('anthropic');
  } catch {
    return undefined;
  }
}

export async function anthropicAvailable(): Promise<boolean> {
  return anthropicProvider()?.createStreamTranslator !== undefined;
}

async function* replay(frames: readonly Buffer[]): AsyncGenerator<Uint8Array> {
  for (const frame of frames) yield frame;
}

/** A relay as the engine drives it: one synchronous call per network chunk. */
interface SyncRelay {
  push(chunk: Uint8Array): string;
  end(): string;
  close(): void;
}
type RelayClass = new (...args: any[]) => SyncRelay;
const PassthroughRelay = (passthroughModule as { PassthroughRelay?: RelayClass }).PassthroughRelay;
const TranslatedRelay = (translatedModule as { TranslatedRelay?: RelayClass }).TranslatedRelay;

let written = 0;

async function relayOnce(frames: readonly Buffer[], relay: () => SyncRelay | AsyncGenerator<string>): Promise<void> {
  const made = relay();
  if (Symbol.asyncIterator in made) {
    for await (const piece of made) written += piece.length;
    return;
  }
  for (let i = 0; i < frames.length; i++) written += made.push(frames[i]).length;
  written += made.end().length;
  made.close();
}

async function cpuPerEvent(
  streams: number,
  frames: readonly Buffer[],
  relay: () => SyncRelay | AsyncGenerator<string>,
): Promise<number> {
  // Warm up the JIT first, then measure.
  for (let i = 0; i < 2_000; i++) await relayOnce(frames, relay);
  const before = process.cpuUsage();
  for (let i = 0; i < streams; i++) await relayOnce(frames, relay);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / (streams * frames.length);
}

export async function measureTranslation(streams = 20_000) {
  const openai = createProviders({ openai: { apiKey: 'sk-bench-not-a-real-key' } }).get('openai')!;
  const openAIFrames = openAIStreamFrames(18, true).map((frame) => Buffer.from(frame));
  const relayOptions = { stripUsage: true, keepPayloads: true };
  const passthrough = await cpuPerEvent(streams, openAIFrames, () =>
    PassthroughRelay
      ? new PassthroughRelay(openai, relayOptions, {})
      : passthroughModule.passthroughStream(replay(openAIFrames), openai, relayOptions, {}),
  );
  const lines = [
    `Pass-through relay of an OpenAI stream (${openAIFrames.length} frames): ${passthrough.toFixed(2)} µs CPU per event.`,
  ];
  let translated: number | undefined;
  const anthropic = anthropicProvider();
  if (anthropic?.createStreamTranslator) {
    const frames = anthropicStreamFrames(18).map((frame) => Buffer.from(frame));
    const call: ProviderCall = {
      operation: 'chat',
      model: 'claude-sonnet-4-5',
      body: { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hello' }], stream: true },
      stream: true,
      strictParams: false,
    };
    translated = await cpuPerEvent(streams, frames, () =>
      TranslatedRelay
        ? new TranslatedRelay(anthropic, call, relayOptions, {})
        : translatedModule.translatedStream(replay(frames), anthropic, call, relayOptions, {}),
    );
    lines.push(
      `Anthropic stream translated to OpenAI chunks (${frames.length} events): ${translated.toFixed(2)} µs CPU per event (target ≤ 3 µs).`,
    );
  } else {
    lines.push('Anthropic translation: skipped, this build has no Anthropic provider.');
  }
  if (written === 0) throw new Error('the relays wrote nothing');
  return { passthroughMicrosPerEvent: passthrough, translatedMicrosPerEvent: translated, summary: lines.join('\n') };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await measureTranslation();
  if (process.send) process.send({ type: 'ready', result, summary: result.summary });
  else console.log(result.summary);
}
