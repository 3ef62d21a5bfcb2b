/** `GatewayRequest.mount` (the node and fetch adapters' basePath): stripped at a segment boundary only. */
import { expect, it } from 'vitest';
import { createGateway } from '../src/index.js';

it.each([
  ['/api', '/api/models', 200],
  ['api', '/api/models', 200], // a mount without its leading slash
  ['/api/', '/api/v1/models?limit=1', 200],
  ['/', '/models', 200],
  ['/api', '/api?x=1', 404], // the mount itself is no route
  ['/api', '/apix/models', 404],
  ['/api', '/models', 404],
] as const)('mount %s, path %s: %i', async (mount, path, status) => {
  const gateway = createGateway({ providers: { demo: {} } });
  const response = await gateway.handle({ method: 'GET', path, mount, headers: {} });
  expect(response.status).toBe(status);
  await gateway.close();
});
