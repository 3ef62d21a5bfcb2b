import type { Provider } from '../types.js';
import { openAICompatibleProvider } from '../openai-compatible/index.js';
import { createDemoTransport, type DemoTransportOptions } from './demo-transport.js';

export const DEMO_MODELS = ['demo-chat', 'demo-flaky', 'demo-embedding'] as const;

/** The built-in `demo` provider: OpenAI's wire format served in-process, no key, no network. */
export function demoProvider(id: string, options: DemoTransportOptions = {}): Provider {
  return {
    ...openAICompatibleProvider({ id, kind: 'demo', baseURL: 'demo://local', keyOptional: true, models: DEMO_MODELS }),
    transport: createDemoTransport(options),
  };
}
