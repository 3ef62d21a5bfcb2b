/**
 * The provider registry (src/providers/registry.ts) is the one place that knows the kinds of
 * provider: each descriptor makes providers of its kinds, the routing families of different kinds
 * never claim the same model, and no file of the core outside src/providers/ names a kind.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGateway, type GatewayOptions } from '../src/index.js';
import { kindFacts, PROVIDER_KINDS } from '../src/providers/registry.js';
import { createProviders } from '../src/providers/create-providers.js';
import { MODEL_FAMILIES } from '../src/routing/model-families.js';

/** What each kind needs besides its kind to be created (nothing, for most). */
const REQUIRED: Record<string, Record<string, unknown>> = {
  'openai-compatible': { baseURL: 'http://127.0.0.1:1/v1' },
  azure: { resource: 'contoso' },
  bedrock: { region: 'us-east-1' },
};

describe('the provider registry', () => {
  it('creates a provider of each registered kind, under any id', () => {
    expect(PROVIDER_KINDS.length).toBeGreaterThan(10);
    for (const kind of PROVIDER_KINDS) {
      const provider = createProviders({ mine: { kind, apiKey: 'k', ...REQUIRED[kind] } as never }).get('mine')!;
      expect(provider, kind).toMatchObject({ id: 'mine', kind });
      // The id may stand for the kind when it is one.
      expect(createProviders({ [kind]: { apiKey: 'k', ...REQUIRED[kind] } as never }).get(kind)!.kind).toBe(kind);
    }
  });

  it('gives model families that never claim a model of another kind (checked against the models.dev catalogue)', async () => {
    for (const kind of PROVIDER_KINDS) {
      const key = kindFacts(kind)?.modelsDev;
      if (!key) continue;
      const module = (await import(`tokenlens/providers/${key}`)) as Record<
        string,
        { models?: Record<string, unknown> }
      >;
      const names = Object.keys(
        Object.values(module).find((value) => typeof value === 'object' && value !== null && 'models' in value)
          ?.models ?? {},
      );
      for (const name of names) {
        const claimants = MODEL_FAMILIES.filter((family) => family.pattern.test(name)).map((family) => family.kind);
        expect(claimants.length, `${name} is claimed by ${claimants.join(' and ')}`).toBeLessThanOrEqual(1);
        // A kind that claims a name of another kind's catalogue would steal its bare-name routing.
        if (claimants.length && kindFacts(kind)?.families) expect(claimants, `${name} (${kind})`).toEqual([kind]);
      }
    }
  });

  it('is the only place that names a kind: no file of the core outside src/providers/ does', () => {
    const src = new URL('../src/', import.meta.url).pathname;
    const files = (function walk(dir: string): string[] {
      return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
      );
    })(src).filter((file) => file.endsWith('.ts') && !file.startsWith(join(src, 'providers')));
    const kindLiteral = new RegExp(`'(${PROVIDER_KINDS.join('|')})'`);
    expect(
      files.filter((file) => kindLiteral.test(readFileSync(file, 'utf8'))).map((file) => file.slice(src.length)),
    ).toEqual([]);
  });

  it('types each entry of options.providers as the options of its kind', () => {
    const providers: GatewayOptions['providers'] = {
      claude: { kind: 'anthropic', apiKey: 'k', thinking: 'adaptive' },
      aws: { kind: 'bedrock', region: 'us-east-1', apiKey: 'k', endpoints: [{ name: 'west', region: 'us-west-2' }] },
      openai: { apiKey: 'k' },
    };
    expect(() => createGateway({ providers })).not.toThrow();
    const wrong: GatewayOptions['providers'] = {
      // @ts-expect-error `region` is a Bedrock option: with kind anthropic, a type error
      claude: { kind: 'anthropic', apiKey: 'k', region: 'us-east-1' },
    };
    expect(() => createGateway({ providers: wrong })).toThrow(
      /providers\.claude\.region: applies to kind `bedrock` only/,
    );
  });
});
