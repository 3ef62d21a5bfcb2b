/**
 * The fast checks that let valid gateway parameters skip zod must never say yes where the schema
 * says no, nor accept a value the schema would change.
 */
import { describe, expect, it } from 'vitest';
import { acceptsAsIs, gatewayParamShapes, type GatewayParamName } from '../src/params/gateway-params.js';

const SAMPLES: unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  1,
  -1,
  1.5,
  1_000,
  3_600_000,
  3_600_001,
  Number.NaN,
  Infinity,
  '',
  'a',
  'user-42',
  'x'.repeat(120),
  'x'.repeat(121),
  'a\r\nb',
  'tab\there',
  'nul\u0000',
  'esc\u001b[0m',
  'émoji 😀',
  [],
  [''],
  ['gpt-4o'],
  ['openai/gpt-4o-mini', 'claude-sonnet-4-5'],
  ['x\ny'],
  [5],
  ['m'.repeat(257)],
  Array.from({ length: 16 }, () => 'gpt-4o'),
  Array.from({ length: 17 }, () => 'gpt-4o'),
  {},
  { a: 1 },
  { session: 'abc', n: 2, nested: { deep: [1, 'x\ny'] } },
  { 'k\r\n': 1 },
  { k: 'v\r\n' },
  { k: 'tab\tok' },
  { ['k'.repeat(128)]: 1 },
  { ['k'.repeat(129)]: 1 },
  Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, i])),
  Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i])),
  { retry_enabled: true },
  new Date(0),
  [[]],
];

describe('gateway parameter fast checks', () => {
  for (const [name, accepts] of Object.entries(acceptsAsIs) as Array<[GatewayParamName, (value: unknown) => boolean]>) {
    it(`${name}: accepted as is only what the schema accepts unchanged`, () => {
      let accepted = 0;
      for (const value of SAMPLES) {
        if (!accepts(value)) continue;
        accepted++;
        const result = gatewayParamShapes[name].safeParse(value);
        expect(result.success, `${name} ${JSON.stringify(value)}`).toBe(true);
        expect(result.data, `${name} ${JSON.stringify(value)}`).toEqual(value);
      }
      expect(accepted).toBeGreaterThan(0);
    });
  }
});
