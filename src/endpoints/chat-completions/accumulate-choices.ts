/**
 * Rebuilds the choices of a streamed chat completion from its chunks, for the log record: chunk by
 * chunk as the stream passes (`ChoicesAccumulator`), so that a stream holds its text so far rather
 * than every chunk it relayed, or at once from kept payloads (`accumulateChoices`).
 */
import type { OutputLog } from '../endpoint.js';

/**
 * The chunk most of a stream is made of, as OpenAI-compatible servers write it: one choice, index
 * 0, a delta holding only content, no finish reason. Its text is read from the one string literal
 * instead of parsing the whole chunk (which cost more than the rest of the relay). Any other chunk,
 * or this one written another way, takes the full parse below.
 */
const PLAIN_CONTENT =
  /"choices":\[\{"index":0,"delta":\{"content":("(?:[^"\\]|\\.)*")\},(?:"logprobs":null,)?"finish_reason":null\}\]/;
interface ToolCallAccumulator {
  index: number;
  id?: string;
  type?: string;
  function: { name: string; arguments: string };
}

interface ChoiceAccumulator {
  index: number;
  finish_reason: string | null;
  message: {
    role: string;
    content: string | null;
    reasoning_content?: string;
    refusal?: string;
    tool_calls?: ToolCallAccumulator[];
  };
}

export function accumulateChoices(payloads: readonly string[]): ChoiceAccumulator[] {
  const accumulator = new ChoicesAccumulator();
  for (const payload of payloads) accumulator.push(payload);
  return accumulator.choices();
}

export class ChoicesAccumulator implements OutputLog {
  private readonly byIndex = new Map<number, ChoiceAccumulator>();

  /** Adds one chunk's JSON payload. */
  push(payload: string): void {
    const choices = this.byIndex;
    const plain = PLAIN_CONTENT.exec(payload);
    const text = plain ? plainText(plain[1]) : undefined;
    if (text !== undefined) {
      let acc = choices.get(0);
      if (!acc) {
        acc = { index: 0, finish_reason: null, message: { role: 'assistant', content: null } };
        choices.set(0, acc);
      }
      acc.message.content = (acc.message.content ?? '') + text;
      return;
    }
    let chunk: { choices?: Array<Record<string, any>> };
    try {
      chunk = JSON.parse(payload);
    } catch {
      return;
    }
    for (const choice of chunk.choices ?? []) {
      const index = typeof choice.index === 'number' ? choice.index : 0;
      let acc = choices.get(index);
      if (!acc) {
        acc = { index, finish_reason: null, message: { role: 'assistant', content: null } };
        choices.set(index, acc);
      }
      const delta = choice.delta ?? {};
      if (typeof delta.role === 'string') acc.message.role = delta.role;
      if (typeof delta.content === 'string') acc.message.content = (acc.message.content ?? '') + delta.content;
      if (typeof delta.reasoning_content === 'string')
        acc.message.reasoning_content = (acc.message.reasoning_content ?? '') + delta.reasoning_content;
      if (typeof delta.refusal === 'string') acc.message.refusal = (acc.message.refusal ?? '') + delta.refusal;
      for (const call of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
        const calls = (acc.message.tool_calls ??= []);
        const callIndex = typeof call.index === 'number' ? call.index : calls.length;
        let target = calls.find((existing) => existing.index === callIndex);
        if (!target) {
          target = { index: callIndex, function: { name: '', arguments: '' } };
          calls.push(target);
        }
        if (call.id) target.id = call.id;
        if (call.type) target.type = call.type;
        if (call.function?.name) target.function.name += call.function.name;
        if (call.function?.arguments) target.function.arguments += call.function.arguments;
      }
      if (choice.finish_reason) acc.finish_reason = choice.finish_reason;
    }
  }

  /** The choices so far, by index. */
  choices(): ChoiceAccumulator[] {
    return [...this.byIndex.values()].sort((a, b) => a.index - b.index);
  }

  /** The log record's output (`OutputLog`): the choices so far. */
  value(): ChoiceAccumulator[] {
    return this.choices();
  }
}

/** The string literal's text; undefined when it is not valid JSON (a raw control character), as a chunk that does not parse is skipped. */
function plainText(literal: string): string | undefined {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return undefined;
  }
}
