/**
 * The dashboard page at `{mount}/dashboard`: one HTML page, its script and its stylesheet, all
 * shipped in the package (built by scripts/build-dashboard.ts from src/dashboard-ui/) and nothing
 * fetched from anywhere else; the Content-Security-Policy holds the page to that. The page holds no
 * data: it asks the admin API for it with the admin key the user typed in (docs/dashboard.md).
 */
import type { GatewayRequest, StreamResponse } from '../contract.js';
import { GatewayError } from '../errors.js';
import { dashboardPage } from './dashboard-page.js';

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

let assets: Promise<{ js: string; css: string }> | undefined;

export async function dashboardResponse(request: GatewayRequest, path: string): Promise<StreamResponse> {
  const asked = request.path.split('?')[0];
  // Relative URLs in the page resolve against `.../dashboard`, not `.../dashboard/`.
  if (path === '/dashboard' && asked.endsWith('/'))
    return file(308, 'text/plain; charset=utf-8', 'See ../dashboard', { location: '../dashboard' });
  if (path === '/dashboard') return file(200, 'text/html; charset=utf-8', dashboardPage());
  if (path === '/dashboard/app.js') return file(200, 'text/javascript; charset=utf-8', (await loadAssets()).js);
  if (path === '/dashboard/app.css') return file(200, 'text/css; charset=utf-8', (await loadAssets()).css);
  throw new GatewayError({
    status: 404,
    code: 'unknown_url',
    message: `Unknown dashboard file \`${path.slice(0, 200)}\`.`,
  });
}

function file(status: number, type: string, text: string, headers: Record<string, string> = {}): StreamResponse {
  const bytes = new TextEncoder().encode(text);
  return {
    kind: 'stream',
    status,
    headers: { ...SECURITY_HEADERS, 'content-type': type, 'content-length': String(bytes.length), ...headers },
    body: (async function* () {
      yield bytes;
    })(),
  };
}

function loadAssets(): Promise<{ js: string; css: string }> {
  assets ??= import('./generated/dashboard-assets.js').catch((error: unknown) => {
    assets = undefined;
    throw new Error('The dashboard assets are not built: run `npm run build:dashboard` (the package build does it).', {
      cause: error,
    });
  });
  return assets;
}
