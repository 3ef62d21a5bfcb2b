/**
 * The admin API as the page calls it. The admin key lives in sessionStorage (this tab only, gone
 * when it closes) and travels in the `x-modelgate-admin-key` header, never in a URL.
 */
const KEY = 'modelgate.adminKey';
/** The gateway's mount: the page is at `{mount}/dashboard`. */
export const base = location.pathname.replace(/dashboard\/?$/, '');

export class Unauthorized extends Error {}

export const adminKey = {
  get: () => sessionStorage.getItem(KEY),
  set: (key: string) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

function url(path: string, query?: URLSearchParams): string {
  const search = query?.toString();
  return `${base}${path}${search ? `?${search}` : ''}`;
}

export async function api<T>(path: string, query?: URLSearchParams): Promise<T> {
  const response = await fetch(url(path, query), { headers: { 'x-modelgate-admin-key': adminKey.get() ?? '' } });
  if (response.status === 401) throw new Unauthorized('The admin key was not accepted.');
  const body = (await response.json()) as T & { error?: { message: string } };
  if (!response.ok) throw new Error(body.error?.message ?? `HTTP ${response.status}`);
  return body;
}

/** Reads the SSE tail with fetch (EventSource cannot send a header) until `signal` aborts. */
export async function tail(
  query: URLSearchParams,
  onRecord: (record: any) => void,
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch(url('admin/logs/tail', query), {
    headers: { 'x-modelgate-admin-key': adminKey.get() ?? '', accept: 'text/event-stream' },
    signal,
  });
  if (response.status === 401) throw new Unauthorized('The admin key was not accepted.');
  if (!response.ok || !response.body) throw new Error(`The live tail answered HTTP ${response.status}.`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffered += value;
    let end: number;
    while ((end = buffered.indexOf('\n\n')) !== -1) {
      const frame = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const lines = frame.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7);
      const data = lines
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n');
      if (event === 'log' && data) onRecord(JSON.parse(data));
    }
  }
}
