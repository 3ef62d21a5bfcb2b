/**
 * CPU per translated Anthropic stream event, on the recordings in test/fixtures/anthropic.
 * Run: npx tsx bench/translate-anthropic.ts
 *
 * Two figures: the translator alone (events already decoded), and the whole per-event path the
 * engine runs (SSE decoding of the wire bytes + translation + JSON serialisation of the chunks).
 */
import { AnthropicStreamTranslator } from '../src/providers/anthropic/convert-stream.js';
import { sseEventDecoder } from '../src/sse/sse-event-decoder.js';
import { recordedEvents, recordedWire, STREAM_RECORDINGS } from '../test/helpers/anthropic-recordings.js';

const recordings = STREAM_RECORDINGS.map((name) => ({
  name,
  events: recordedEvents(name),
  wire: new TextEncoder().encode(recordedWire(name)),
}));
const eventsPerRound = recordings.reduce((sum, recording) => sum + recording.events.length, 0);
const options = { providerId: 'anthropic', model: 'claude', created: 1_750_000_000, jsonTool: false };

function translateOnly(): number {
  let size = 0;
  for (const { events } of recordings) {
    const translator = new AnthropicStreamTranslator(options);
    for (const event of events) size += translator.push(event).length;
    size += translator.end().length;
  }
  return size;
}

function fullPath(): number {
  let size = 0;
  for (const { wire } of recordings) {
    const decoder = sseEventDecoder();
    const translator = new AnthropicStreamTranslator(options);
    let out = '';
    for (const event of decoder.push(wire))
      for (const chunk of translator.push(event)) out += `data: ${JSON.stringify(chunk)}\n\n`;
    for (const chunk of translator.end()) out += `data: ${JSON.stringify(chunk)}\n\n`;
    size += out.length;
  }
  return size;
}

function measure(label: string, round: () => number): void {
  for (let i = 0; i < 2_000; i++) round(); // warm up the JIT
  const rounds = 20_000;
  let sink = 0;
  const start = process.cpuUsage();
  for (let i = 0; i < rounds; i++) sink += round();
  const used = process.cpuUsage(start);
  const micros = (used.user + used.system) / (rounds * eventsPerRound);
  console.log(
    `${label.padEnd(44)} ${micros.toFixed(2)} µs CPU per event  (${rounds * eventsPerRound} events, sink ${sink % 10})`,
  );
}

console.log(
  `Anthropic stream translation, ${recordings.length} recordings, ${eventsPerRound} events per round, Node ${process.version}`,
);
measure('translator only (decoded events → chunks)', translateOnly);
measure('wire bytes → SSE decode → translate → JSON', fullPath);
