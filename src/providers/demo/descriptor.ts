/**
 * The demo provider's descriptor: OpenAI's wire format answered in process, to try the gateway with
 * no key and no network (`npm run demo`).
 */
import { z } from 'zod';
import { createDemoUpstream } from '../../transport/demo-upstream.js';
import { defineProvider, providerOptions } from '../kit/provider-descriptor.js';
import { demoOrigin, demoProvider } from './index.js';

export const demoDescriptor = defineProvider({
  kinds: { demo: {} },
  options: providerOptions(['demo'], {
    /** Chance that `demo-flaky` fails (default 0.5). */
    failureRate: z.number().min(0).max(1).optional(),
    /** Delay between streamed words in ms (default 15). */
    wordDelayMs: z.number().int().min(0).optional(),
  }),
  create: (id) => demoProvider(id),
  inProcess: {
    origin: demoOrigin,
    create: (options) => createDemoUpstream({ failureRate: options.failureRate, wordDelayMs: options.wordDelayMs }),
  },
});
