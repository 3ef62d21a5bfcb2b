/**
 * Bedrock Converse wire data for tests. There are no Bedrock recordings in this repository, so these
 * are built member by member from the official API reference, not from memory:
 * - Converse response syntax: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_ResponseSyntax
 * - ConverseStream events (ConverseStreamOutput union): https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html
 *   MessageStartEvent, ContentBlockStartEvent (ToolUseBlockStart), ContentBlockDeltaEvent
 *   (text | toolUse.input | reasoningContent.text/signature), ContentBlockStopEvent,
 *   MessageStopEvent, ConverseStreamMetadataEvent: .../API_runtime_<Name>.html
 * - TokenUsage (cacheReadInputTokens / cacheWriteInputTokens): https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_TokenUsage.html
 * Live streams pad every event payload with a `p` field of filler characters (visible in public
 * recordings); it is included so that the decoder and translator are shown to ignore it.
 */
export type WireEvent = readonly [eventType: string, payload: Record<string, unknown>];

export const TEXT_STREAM: WireEvent[] = [
  ['messageStart', { p: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ', role: 'assistant' }],
  ['contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Grüße aus ' }, p: 'abcdefgh' }],
  ['contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Zürich 👋' }, p: 'abcdefghijklmnopqrs' }],
  ['contentBlockDelta', { contentBlockIndex: 0, delta: { text: ', naïvely.' }, p: 'abc' }],
  ['contentBlockStop', { contentBlockIndex: 0, p: 'abcdefghijklmnopqrstuvwxyzAB' }],
  ['messageStop', { stopReason: 'end_turn', p: 'abcdefghijklmnop' }],
  [
    'metadata',
    {
      usage: {
        inputTokens: 12,
        outputTokens: 9,
        totalTokens: 1541,
        cacheReadInputTokens: 1024,
        cacheWriteInputTokens: 496,
      },
      metrics: { latencyMs: 412 },
      p: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0',
    },
  ],
];
export const TEXT_STREAM_CONTENT = 'Grüße aus Zürich 👋, naïvely.';

/** A sentence, then two tool calls in one turn (blocks 1 and 2), arguments streamed in pieces. */
export const PARALLEL_TOOLS_STREAM: WireEvent[] = [
  ['messageStart', { role: 'assistant' }],
  ['contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Checking both cities.' } }],
  ['contentBlockStop', { contentBlockIndex: 0 }],
  [
    'contentBlockStart',
    { contentBlockIndex: 1, start: { toolUse: { toolUseId: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', name: 'get_weather' } } },
  ],
  ['contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: '{"city": "Pa' } } }],
  ['contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: 'ris", "unit": "celsius"}' } } }],
  ['contentBlockStop', { contentBlockIndex: 1 }],
  [
    'contentBlockStart',
    { contentBlockIndex: 2, start: { toolUse: { toolUseId: 'tooluse_9Fq3bXc2Q2yWb1pZ0aHhVg', name: 'get_weather' } } },
  ],
  ['contentBlockDelta', { contentBlockIndex: 2, delta: { toolUse: { input: '{"city": "Tokyo",' } } }],
  ['contentBlockDelta', { contentBlockIndex: 2, delta: { toolUse: { input: ' "unit": "celsius"}' } } }],
  ['contentBlockStop', { contentBlockIndex: 2 }],
  ['messageStop', { stopReason: 'tool_use' }],
  ['metadata', { usage: { inputTokens: 402, outputTokens: 118, totalTokens: 520 }, metrics: { latencyMs: 1203 } }],
];
export const PARALLEL_TOOL_CALLS = [
  {
    id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q',
    type: 'function',
    function: { name: 'get_weather', arguments: '{"city": "Paris", "unit": "celsius"}' },
  },
  {
    id: 'tooluse_9Fq3bXc2Q2yWb1pZ0aHhVg',
    type: 'function',
    function: { name: 'get_weather', arguments: '{"city": "Tokyo", "unit": "celsius"}' },
  },
];

/** A tool whose input schema has no properties: start and stop, no toolUse delta. */
export const TOOL_WITHOUT_ARGUMENTS_STREAM: WireEvent[] = [
  ['messageStart', { role: 'assistant' }],
  [
    'contentBlockStart',
    { contentBlockIndex: 0, start: { toolUse: { toolUseId: 'tooluse_noargs01', name: 'get_time' } } },
  ],
  ['contentBlockStop', { contentBlockIndex: 0 }],
  ['messageStop', { stopReason: 'tool_use' }],
  ['metadata', { usage: { inputTokens: 50, outputTokens: 12, totalTokens: 62 }, metrics: { latencyMs: 300 } }],
];

/** Extended thinking: reasoning text deltas, then its signature, then the answer. */
export const REASONING_STREAM: WireEvent[] = [
  ['messageStart', { role: 'assistant' }],
  ['contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text: 'The user wants 17 × 3. ' } } }],
  ['contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text: '17 × 3 = 51.' } } }],
  [
    'contentBlockDelta',
    { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'EqQBCkgIARABGAIiQGsig-test-signature' } } },
  ],
  ['contentBlockStop', { contentBlockIndex: 0 }],
  ['contentBlockDelta', { contentBlockIndex: 1, delta: { text: '51' } }],
  ['contentBlockStop', { contentBlockIndex: 1 }],
  ['messageStop', { stopReason: 'end_turn' }],
  ['metadata', { usage: { inputTokens: 40, outputTokens: 60, totalTokens: 100 }, metrics: { latencyMs: 900 } }],
];

export const TEXT_RESPONSE = {
  output: { message: { role: 'assistant', content: [{ text: 'Grüße aus Zürich 👋' }] } },
  stopReason: 'end_turn',
  usage: { inputTokens: 20, outputTokens: 7, totalTokens: 2075, cacheReadInputTokens: 2048, cacheWriteInputTokens: 0 },
  metrics: { latencyMs: 380 },
};

export const TOOLS_RESPONSE = {
  output: {
    message: {
      role: 'assistant',
      content: [
        { text: 'Checking both cities.' },
        {
          toolUse: {
            toolUseId: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q',
            name: 'get_weather',
            input: { city: 'Paris', unit: 'celsius' },
          },
        },
        {
          toolUse: {
            toolUseId: 'tooluse_9Fq3bXc2Q2yWb1pZ0aHhVg',
            name: 'get_weather',
            input: { city: 'Tokyo', unit: 'celsius' },
          },
        },
      ],
    },
  },
  stopReason: 'tool_use',
  usage: { inputTokens: 402, outputTokens: 118, totalTokens: 520 },
  metrics: { latencyMs: 1203 },
};

export const REASONING_RESPONSE = {
  output: {
    message: {
      role: 'assistant',
      content: [
        {
          reasoningContent: {
            reasoningText: { text: '17 × 3 = 51.', signature: 'EqQBCkgIARABGAIiQGsig-test-signature' },
          },
        },
        { reasoningContent: { redactedContent: 'cmVkYWN0ZWQtdGhpbmtpbmc=' } },
        { text: '51' },
      ],
    },
  },
  stopReason: 'end_turn',
  usage: { inputTokens: 40, outputTokens: 60, totalTokens: 100 },
  metrics: { latencyMs: 900 },
};
