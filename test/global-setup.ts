/**
 * Before the run: builds the dashboard's assets (the page the admin tests load), and says once
 * which suites are skipped for a missing system service (see helpers/services.ts).
 */
import { buildDashboard } from '../scripts/build-dashboard.js';
import { services } from './helpers/services.js';

export default async function setup(): Promise<void> {
  await buildDashboard();
  for (const service of services) if (!service.available) console.warn(`skipped: ${service.skipNote}`);
}
