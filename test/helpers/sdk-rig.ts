/**
 * The end-to-end setup most provider tests share: loopback upstreams, the gateway (its options built
 * from them) mounted in a real Express app, and the official openai SDK pointed at it, without SDK
 * retries (the gateway's own are under test). Started before the block's tests, closed after them.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll } from 'vitest';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/index.js';
import { startHost, type Host } from './hosts.js';
import { startUpstream, type Upstream } from './upstream.js';

export type SdkRig<Name extends string> = Record<Name, Upstream> & { gateway: Gateway; host: Host; client: OpenAI };

export function useSdkRig<Name extends string>(
  upstreamNames: readonly Name[],
  gatewayOptions: (upstreams: Record<Name, Upstream>) => GatewayOptions,
): SdkRig<Name> {
  const rig = {} as SdkRig<Name>;
  beforeAll(async () => {
    const upstreams = {} as Record<Name, Upstream>;
    for (const name of upstreamNames) upstreams[name] = await startUpstream();
    Object.assign(rig, upstreams);
    rig.gateway = createGateway(gatewayOptions(upstreams));
    rig.host = await startHost('express', rig.gateway);
    rig.client = new OpenAI({ baseURL: rig.host.baseURL, apiKey: 'client-key-not-forwarded', maxRetries: 0 });
  });
  afterAll(async () => {
    await rig.host?.close();
    await rig.gateway?.close();
    await Promise.all(upstreamNames.map((name) => rig[name]?.close()));
  });
  return rig;
}
