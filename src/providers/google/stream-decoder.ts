/**
 * Gemini's SSE events as `{ data }`. Frame boundaries come from the shared splitter (CR, LF, CRLF,
 * splits anywhere); a frame of Gemini's one shape, a single `data: ` line, is then read with one
 * slice instead of the general line parser, which halves the decoding cost per event. Any other
 * frame (comments, several lines, `event:`/`id:` fields) goes through the general parser.
 */
import { parseSseFrame, SseFrameSplitter, type SseEvent } from '../../sse/sse-frames.js';
import type { StreamDecoder, StreamDecoderOptions } from '../types.js';

export type GeminiSseEvent = SseEvent & { data: string };

export function geminiStreamDecoder(options: StreamDecoderOptions = {}): StreamDecoder<GeminiSseEvent> {
  const splitter = new SseFrameSplitter(options.maxEventBytes);
  return {
    push: (bytes) => readFrames(splitter.push(bytes)),
    end: () => {
      const rest = splitter.end();
      return rest === undefined ? [] : readFrames([rest]);
    },
  };
}

function readFrames(frames: string[]): GeminiSseEvent[] {
  const events: GeminiSseEvent[] = [];
  for (const frame of frames) {
    const data = singleDataLine(frame);
    if (data !== undefined) {
      events.push({ data });
      continue;
    }
    const event = parseSseFrame(frame);
    if (event.data !== undefined) events.push(event as GeminiSseEvent);
  }
  return events;
}

/** The value of `data: <value>` followed only by line terminators; undefined for any other frame. */
function singleDataLine(frame: string): string | undefined {
  if (!frame.startsWith('data: ')) return undefined;
  let end = frame.length;
  while (end > 6) {
    const code = frame.charCodeAt(end - 1);
    if (code !== 10 && code !== 13) break;
    end--;
  }
  const value = frame.slice(6, end);
  return value.includes('\n') || value.includes('\r') ? undefined : value;
}
