import type { StreamDecoder } from '../providers/types.js';
import { parseSseFrame, SseFrameSplitter, type SseEvent } from './sse-frames.js';

/** The default stream decoder of translating providers: SSE frames with data, parsed. */
export function sseEventDecoder(maxEventBytes?: number): StreamDecoder<SseEvent & { data: string }> {
  const splitter = new SseFrameSplitter(maxEventBytes);
  const parse = (frames: string[]) => {
    const events: Array<SseEvent & { data: string }> = [];
    for (const frame of frames) {
      const event = parseSseFrame(frame);
      if (event.data !== undefined) events.push(event as SseEvent & { data: string });
    }
    return events;
  };
  return {
    push: (bytes) => parse(splitter.push(bytes)),
    end: () => {
      const rest = splitter.end();
      return rest === undefined ? [] : parse([rest]);
    },
  };
}
