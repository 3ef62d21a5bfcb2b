/**
 * `GET /anthropic/v1/models` and `GET /anthropic/v1/models/{model}`: what the gateway routes, in
 * Anthropic's shapes (`data[]` of `{type:"model", id, display_name, created_at, ...}` with
 * `has_more`, `first_id`, `last_id`; cursors `after_id`/`before_id`, `limit` 1-1000, default 20).
 * Claude Code's model picker lists only ids that start with `claude` or `anthropic`: aliases named
 * so (`models: { 'claude-sonnet-4-6': { target: 'openai/gpt-5' } }`) show there.
 */
import { invalidRequest, modelNotFound } from '../../errors.js';
import type { LocalContext, LocalEndpoint } from '../endpoint.js';
import { anthropicErrors } from './anthropic-errors.js';

/** The gateway knows no release dates: the epoch, a valid RFC 3339 time. */
const CREATED_AT = '1970-01-01T00:00:00Z';

export const anthropicModels = {
  kind: 'local',
  id: 'anthropic.models',
  method: 'GET',
  path: '/anthropic/v1/models',
  hasItems: true,
  answer: (context, id) => (id === undefined ? listModels(context) : retrieveModel(context, id)),
  errors: anthropicErrors,
} as const satisfies LocalEndpoint;

function modelInfo(id: string) {
  return {
    type: 'model',
    id,
    display_name: id,
    created_at: CREATED_AT,
    capabilities: null,
    max_input_tokens: null,
    max_tokens: null,
  };
}

function allIds({ resolver, groups }: LocalContext): string[] {
  const ids = resolver.listModels().map((model) => model.id);
  const listed = new Set(ids);
  for (const group of Object.keys(groups)) if (!listed.has(group)) ids.push(group);
  return ids;
}

function listModels(context: LocalContext) {
  const { query } = context;
  const limitText = query.get('limit');
  const limit = limitText === null ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw invalidRequest('`limit` must be an integer from 1 to 1000.', 'limit');
  const ids = allIds(context);
  const after = query.get('after_id');
  const before = query.get('before_id');
  let start = 0;
  let end = ids.length;
  if (after !== null) start = ids.indexOf(after) + 1;
  if (before !== null) end = Math.max(0, ids.indexOf(before));
  // Paging backwards (before_id) takes the page just before the cursor.
  const page =
    before !== null && after === null
      ? ids.slice(Math.max(start, end - limit), end)
      : ids.slice(start, Math.min(end, start + limit));
  const more = before !== null && after === null ? end - page.length > start : start + page.length < end;
  return {
    data: page.map(modelInfo),
    has_more: more,
    first_id: page[0] ?? null,
    last_id: page.at(-1) ?? null,
  };
}

function retrieveModel(context: LocalContext, id: string) {
  if (context.resolver.resolve(id) || Object.hasOwn(context.groups, id)) return modelInfo(id);
  throw modelNotFound(id, context.resolver.hint());
}
