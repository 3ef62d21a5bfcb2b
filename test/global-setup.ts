/** Says once, before the run, which suites are skipped for a missing system service (see helpers/services.ts). */
import { services } from './helpers/services.js';

export default function reportMissingServices(): void {
  for (const service of services) if (!service.available) console.warn(`skipped: ${service.skipNote}`);
}
