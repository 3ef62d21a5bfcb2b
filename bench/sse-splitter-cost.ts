/**
 * CPU of the SSE frame splitter, in process: per event over a recorded OpenAI stream (one network
 * chunk per event, as tokens arrive), and for one large event that arrives in small network chunks
 * (the cost must grow with its size, not with its size squared).
 *
 *   npx tsx bench/sse-splitter-cost.ts [MiB of the large event, default 32]
 */
import { readFileSync } from 'node:fs';
import { SseFrameSplitter } from '../src/sse/sse-frames.js';

const NETWORK_CHUNK = 16 * 1024;

function cpuMs(run: () => void): number {
  const before = process.cpuUsage();
  run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

const recorded = readFileSync(new URL('../test/fixtures/openai-chat/openai-text.chunks.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => Buffer.from(`data: ${line}\n\n`));
let frames = 0;
const replay = () => {
  const splitter = new SseFrameSplitter(64 * 1024 * 1024);
  for (const chunk of recorded) frames += splitter.push(chunk).length;
  splitter.end();
};
for (let i = 0; i < 500; i++) replay(); // warm up
const streams = 5_000;
const perEvent =
  (cpuMs(() => {
    for (let i = 0; i < streams; i++) replay();
  }) *
    1000) /
  (streams * recorded.length);
console.log(
  `splitter, recorded OpenAI stream (${recorded.length} events), one chunk per event: ${perEvent.toFixed(3)} µs CPU per event`,
);

// The same stream cut into 1000-byte network chunks: events straddle chunks, as on a busy connection.
const whole = Buffer.concat(recorded);
const cut: Buffer[] = [];
for (let at = 0; at < whole.length; at += 1000) cut.push(whole.subarray(at, at + 1000));
const replayCut = () => {
  const splitter = new SseFrameSplitter(64 * 1024 * 1024);
  for (const chunk of cut) frames += splitter.push(chunk).length;
  splitter.end();
};
for (let i = 0; i < 500; i++) replayCut();
const perEventCut =
  (cpuMs(() => {
    for (let i = 0; i < streams; i++) replayCut();
  }) *
    1000) /
  (streams * recorded.length);
console.log(`splitter, the same stream in 1000-byte chunks: ${perEventCut.toFixed(3)} µs CPU per event`);

const mib = Number(process.argv[2] ?? 32);
const size = mib * 1024 * 1024;
const piece = Buffer.alloc(NETWORK_CHUNK, 'a'); // no line end: one event that keeps growing
let found = 0;
const large = cpuMs(() => {
  const splitter = new SseFrameSplitter(size + 1024);
  splitter.push(Buffer.from('data: '));
  for (let sent = 0; sent < size; sent += NETWORK_CHUNK) found += splitter.push(piece).length;
  found += splitter.push(Buffer.from('\n\n')).length;
});
if (found !== 1 || frames === 0) throw new Error('the splitter lost a frame');
console.log(`splitter, one ${mib} MiB event in ${NETWORK_CHUNK / 1024} KiB chunks: ${large.toFixed(0)} ms CPU`);
