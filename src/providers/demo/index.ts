import type { Provider } from '../types.js';
import { openAICompatibleProvider } from '../openai-compatible/index.js';

export const DEMO_MODELS = ['demo-chat', 'demo-flaky', 'demo-embedding'] as const;

/** Where a demo provider's requests go: an origin the gateway serves in process (transport/demo-upstream.ts). */
export const demoOrigin = (id: string) => `demo://${id}`;

/** The built-in `demo` provider: OpenAI's wire format, no key, answered in process (no network). */
export function demoProvider(id: string): Provider {
  return openAICompatibleProvider({
    id,
    kind: 'demo',
    baseURL: demoOrigin(id),
    keyOptional: true,
    models: DEMO_MODELS,
  });
}
