/**
 * A Messages API stream's events accumulated into the message they amount to: the log record's
 * `output` (its content blocks, also for a stream cut short) and the JSON answer the cache stores.
 * Only the payloads that change the message are parsed (not `ping`).
 */
import type { OutputLog } from '../endpoint.js';

type Json = Record<string, any>;

const EVENT_TYPE = /^\{\s*"type"\s*:\s*"([a-z_]+)"/;

export class MessagesOutput implements OutputLog {
  private message: Json | undefined;
  /** Tool inputs as streamed, by block index, parsed when the block stops. */
  private readonly partialJson = new Map<number, string>();

  push(payload: string): void {
    const type = EVENT_TYPE.exec(payload)?.[1];
    if (type === undefined || type === 'ping' || type === 'message_stop') return;
    let event: Json;
    try {
      event = JSON.parse(payload) as Json;
    } catch {
      return;
    }
    if (type === 'message_start') {
      this.message = { ...event.message, content: [] };
      return;
    }
    const message = this.message;
    if (!message) return;
    if (type === 'content_block_start') {
      message.content[event.index] = { ...event.content_block };
    } else if (type === 'content_block_delta') {
      this.applyDelta(message.content[event.index], event.index, event.delta ?? {});
    } else if (type === 'content_block_stop') {
      const json = this.partialJson.get(event.index);
      if (json !== undefined) {
        this.partialJson.delete(event.index);
        try {
          message.content[event.index].input = JSON.parse(json);
        } catch {
          // a cut or broken input stays as it was started
        }
      }
    } else if (type === 'message_delta') {
      Object.assign(message, event.delta ?? {});
      message.usage = { ...message.usage, ...event.usage };
    }
  }

  /** The log's output: the content blocks so far. */
  value(): unknown {
    return this.message?.content ?? [];
  }

  /** The whole message (undefined before `message_start`). */
  snapshot(): Json | undefined {
    return this.message;
  }

  private applyDelta(block: Json | undefined, index: number, delta: Json): void {
    if (!block) return;
    switch (delta.type) {
      case 'text_delta':
        block.text = (block.text ?? '') + delta.text;
        break;
      case 'thinking_delta':
        block.thinking = (block.thinking ?? '') + delta.thinking;
        break;
      case 'signature_delta':
        block.signature = (block.signature ?? '') + delta.signature;
        break;
      case 'input_json_delta':
        this.partialJson.set(index, (this.partialJson.get(index) ?? '') + delta.partial_json);
        break;
      case 'citations_delta':
        block.citations = [...(block.citations ?? []), delta.citation];
        break;
    }
  }
}
