/**
 * A request's path as the gateway routes it: below the mount, without the query, a trailing slash
 * or a leading `/v1`.
 */

/** The path normalised for routing (no query, no trailing slash, no `/v1`). */
export function normalisePath(path: string): string {
  let clean = path;
  const query = clean.indexOf('?');
  if (query !== -1) clean = clean.slice(0, query);
  if (clean.length > 1 && clean.endsWith('/')) clean = clean.replace(/\/+$/, '');
  if (clean === '/v1' || clean.startsWith('/v1/')) clean = clean.slice(3) || '/';
  return clean.startsWith('/') ? clean : `/${clean}`;
}

/** The path below `mount`, or undefined when it is not under it (`/apix` is not under `/api`). */
export function underMount(path: string, mount: string): string | undefined {
  const prefix = `/${mount}`.replace(/^\/+/, '/').replace(/\/+$/, ''); // `api/` means `/api`
  if (!path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length);
  if (rest === '' || rest[0] === '?') return `/${rest}`;
  return rest[0] === '/' ? rest : undefined;
}
