/**
 * CPU per stream event in the engine's stream relays, in process, without sockets: an OpenAI stream
 * through the pass-through relay, and an Anthropic stream through decoding, translation to OpenAI
 * chunks and serialisation (when this build has the Anthropic provider). One network chunk per
 * event, as a real token stream arrives, so the per-chunk costs are all counted.
 *
 *   npm run bench -- --scenarios translate   (or, after a bench build: node .bench/build/translate-cost.js)
 */
import { passthroughStream } from '../src/engine/passthrough-stream.js';
import { translatedStream } from '../src/engine/translated-stream.js';
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

async function cpuPerEvent(streams: number, events: number, relay: () => AsyncGenerator<string>): Promise<number> {
  // Warm up the JIT first, then measure.
  for (let i = 0; i < 2_000; i++) for await (const _ of relay());
  const before = process.cpuUsage();
  for (let i = 0; i < streams; i++) for await (const _ of relay());
  const used = process.cpuUsage(before);
  return (used.user + used.system) / (streams * events);
}

export async function measureTranslation(streams = 20_000) {
  const openai = createProviders({ openai: { apiKey: 'sk-bench-not-a-real-key' } }).get('openai')!;
  const openAIFrames = openAIStreamFrames(18, true).map((frame) => Buffer.from(frame));
  const passthrough = await cpuPerEvent(streams, openAIFrames.length, () =>
    passthroughStream(replay(openAIFrames), openai, { stripUsage: true, keepPayloads: true }, {}),
  );
  const lines = [`Pass-through relay of an OpenAI stream (${openAIFrames.length} frames): ${passthrough.toFixed(2)} µs CPU per event.`];
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
    translated = await cpuPerEvent(streams, frames.length, () => translatedStream(replay(frames), anthropic, call, { stripUsage: true, keepPayloads: true }, {}));
    lines.push(`Anthropic stream translated to OpenAI chunks (${frames.length} events): ${translated.toFixed(2)} µs CPU per event (target ≤ 3 µs).`);
  } else {
    lines.push('Anthropic translation: skipped, this build has no Anthropic provider.');
  }
  return { passthroughMicrosPerEvent: passthrough, translatedMicrosPerEvent: translated, summary: lines.join('\n') };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await measureTranslation();
  if (process.send) process.send({ type: 'ready', result, summary: result.summary });
  else console.log(result.summary);
}
