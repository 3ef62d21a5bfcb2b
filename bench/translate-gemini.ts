/**
 * CPU per translated Gemini stream event (target ≤ 3 µs on the project's 2-core Node 20 machine).
 *
 *   npx tsx bench/translate-gemini.ts
 *
 * Input: a long stream made of the recorded events (test/fixtures/gemini), their text varied,
 * framed as Gemini sends them (`data: ...\r\n\r\n`) and cut into network chunks of ~4 events.
 * Measured with process.cpuUsage (user + system), after a warm-up, three ways:
 * - translate: the translator alone on decoded events (push + end);
 * - decode + translate: bytes through the provider's SSE decoder, then the translator;
 * - full: the above plus serialising each chunk as the engine does (`data: JSON\n\n`).
 * The provider's share is "decode + translate"; about two thirds of it is JSON.parse of Gemini's
 * events, which repeat the usage metadata in every event.
 */
import { readFileSync } from 'node:fs';
import { createGeminiStreamTranslator } from '../src/providers/google/convert-stream.js';
import type { ChatCompletionChunk } from '../src/providers/openai-types.js';
import { geminiStreamDecoder } from '../src/providers/google/stream-decoder.js';

const EVENTS = 2_000;
const EVENTS_PER_NETWORK_CHUNK = 4;
const ROUNDS = 40;

const recorded = readFileSync(
  new URL('../test/fixtures/gemini/streaming-success-basic-reply-short.sse', import.meta.url),
  'utf8',
)
  .split('\r\n\r\n')
  .filter((frame) => frame.startsWith('data: '))
  .map((frame) => JSON.parse(frame.slice(6)));

const words = [
  'the',
  'capital',
  'of',
  'Wyoming',
  'is',
  'Cheyenne',
  'which',
  'sits',
  'near',
  'the',
  'Colorado',
  'border',
  'café',
  '—',
  '✓',
];
const events = Array.from({ length: EVENTS }, (_, i) => {
  const template = structuredClone(i === EVENTS - 1 ? recorded[2] : recorded[1]);
  template.candidates[0].content.parts[0].text = ` ${words.slice(i % 5, (i % 5) + 8).join(' ')}`;
  return template;
});
const frames = events.map((event) => `data: ${JSON.stringify(event)}\r\n\r\n`);
const encoder = new TextEncoder();
const networkChunks: Uint8Array[] = [];
for (let i = 0; i < frames.length; i += EVENTS_PER_NETWORK_CHUNK)
  networkChunks.push(encoder.encode(frames.slice(i, i + EVENTS_PER_NETWORK_CHUNK).join('')));
const decodedEvents = events.map((event) => ({ data: JSON.stringify(event) }));

const context = {
  providerId: 'google',
  secrets: [],
  model: 'gemini-2.0-flash',
  newId: () => 'bench',
  now: () => 1_700_000_000,
};

function translateOnly(): number {
  const translator = createGeminiStreamTranslator(context);
  let count = 0;
  for (const event of decodedEvents) count += translator.push(event).length;
  return count + translator.end().length;
}

function decodeAndTranslate(serialise: boolean): number {
  const decoder = geminiStreamDecoder();
  const translator = createGeminiStreamTranslator(context);
  let size = 0;
  const emit = (chunks: ChatCompletionChunk[]) => {
    if (!serialise) return void (size += chunks.length);
    let out = '';
    for (const chunk of chunks) out += `data: ${JSON.stringify(chunk)}\n\n`;
    size += out.length;
  };
  for (const bytes of networkChunks) for (const event of decoder.push(bytes)) emit(translator.push(event));
  for (const event of decoder.end()) emit(translator.push(event));
  emit(translator.end());
  return size;
}

function measure(name: string, run: () => number): number {
  for (let i = 0; i < 10; i++) run();
  let sink = 0;
  const start = process.cpuUsage();
  for (let i = 0; i < ROUNDS; i++) sink += run();
  const used = process.cpuUsage(start);
  const perEvent = (used.user + used.system) / (ROUNDS * EVENTS);
  console.log(`${name.padEnd(34)} ${perEvent.toFixed(2)} µs CPU per event   (checksum ${sink})`);
  return perEvent;
}

console.log(`Gemini stream translation: ${EVENTS} events x ${ROUNDS} rounds, Node ${process.version}`);
measure('translate', translateOnly);
const provider = measure('decode + translate', () => decodeAndTranslate(false));
const full = measure('decode + translate + serialise', () => decodeAndTranslate(true));
console.log(
  `provider work (bytes → chunks): ${provider <= 3 ? 'within' : 'OVER'} the 3 µs target; with the engine's serialisation: ${full.toFixed(2)} µs`,
);
