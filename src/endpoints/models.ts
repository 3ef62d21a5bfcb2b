/**
 * `GET /models` and `GET /models/{model}`: what the gateway routes, answered without an upstream.
 * Load balance groups answer to their id as a model name, so they are listed too.
 */
import { modelNotFound } from '../errors.js';
import type { ModelResolver } from '../routing/resolve-model.js';
import type { LocalEndpoint } from './endpoint.js';

export const models = {
  kind: 'local',
  id: 'models',
  method: 'GET',
  path: '/models',
  hasItems: true,
  answer: ({ resolver, groups }, id) =>
    id === undefined ? listModels(resolver, groups) : retrieveModel(resolver, id, groups),
} as const satisfies LocalEndpoint;

type Groups = Readonly<Record<string, unknown>>;

function listModels(resolver: ModelResolver, groups: Groups) {
  const models = resolver.listModels();
  const listed = new Set(models.map((model) => model.id));
  for (const group of Object.keys(groups)) if (!listed.has(group)) models.push({ id: group, owned_by: 'modelgate' });
  return { object: 'list', data: models.map(({ id, owned_by }) => ({ id, object: 'model', created: 0, owned_by })) };
}

function retrieveModel(resolver: ModelResolver, id: string, groups: Groups) {
  const target = resolver.resolve(id);
  if (!target && Object.hasOwn(groups, id)) return { id, object: 'model', created: 0, owned_by: 'modelgate' };
  if (!target) throw modelNotFound(id, resolver.hint());
  // As in the list: an alias belongs to the gateway, a provider's model to the provider.
  return { id, object: 'model', created: 0, owned_by: target.alias === id ? 'modelgate' : target.provider.id };
}
