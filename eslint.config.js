import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { oneWayLayers, parseLayerTable } from './scripts/one-way-layers.js';

/**
 * The layers of DESIGN.md §2, top to bottom: each row names a layer, the folders (ending in `/`)
 * or files it holds, and after the colon the layers it may import besides itself (a line with no
 * colon goes on with the row above). A file belongs to the layer with the longest path that holds
 * it; a file in no layer fails, so a new folder is placed here first. Imports point down the
 * table, never round (test/lint-layers.test.ts checks).
 */
const LAYER_TABLE = `
  # The public entries: modelgate (src/index.ts) and modelgate/node. Host adapters import only those (tRPC's rule).
  adapters           adapters/                    : entry node-entry
  fetch-adapter      adapters/fetch/              : entry
  node-entry         adapters/node/               : entry node
  # The dashboard's browser code (bundled by scripts/build-dashboard.ts); it imports types only.
  dashboard-ui       src/dashboard-ui/            : admin log-record
  otel-entry         adapters/otel/               : otel
  prometheus-entry   adapters/prometheus/         : prometheus
  entry              src/index.ts                 : gateway contract options http logging log-record observe export store traffic-options cost params
                                                    transport provider-contract usage errors util log-store admin-options
  # Node host glue (IncomingMessage/ServerResponse <-> the contract); the core never imports it.
  node               src/node/                    : gateway contract client-signal http errors util
  gateway            src/gateway.ts src/gateway-errors.ts src/gateway-paths.ts src/pass-through-intake.ts src/response-state-intake.ts : engine http request-checks params
                                                    traffic routing options logging observe cost provider-registry response-store store provider-contract transport endpoints contract errors util admin
  # The admin API and the dashboard page (docs/dashboard.md), handed their paths by gateway.ts.
  admin              src/admin/                   : admin-options dashboard log-store logging log-record observe traffic-options contract errors util
  dashboard          src/dashboard/               : contract errors util
  engine             src/engine/                  : traffic cache routing params logging observe log-record record-usage cost provider-kit
                                                    provider-contract sse transport endpoints contract client-signal usage errors util
  # The response store (stored Responses answers, their routes), over the store.
  response-store     src/response-store/          : cache store log-record errors util
  traffic            src/traffic/                 : cache customers health catalog routing params options log-record store traffic-options
                                                    cost provider-contract endpoints usage errors util
  cache              src/cache/                   : routing params log-record store sse endpoints usage errors util
  customers          src/customers/               : catalog routing params log-record store traffic-options cost usage errors util
  health             src/health/                  : routing store errors util
  routing            src/routing/                 : catalog model-families params options provider-registry provider-contract errors util
  catalog            src/catalog/                 : model-families traffic-options provider-registry provider-contract errors util
  model-families     src/routing/model-families.ts : provider-registry errors util
  # The core's request intake, host-agnostic: body, auth, a host parser's errors, host context.
  http               src/http/                    : request-checks options contract errors util
  params             src/params/                  : request-checks errors util
  request-checks     src/http/validate-request-body.ts : errors util
  options            src/options.ts               : provider-registry providers traffic-options admin-options log-record observe cost transport errors util
  admin-options      src/admin/admin-options.ts   : log-store errors util
  # Exporters: listeners of src/observe/ over an optional peer, each its own published entry.
  otel               src/otel/                    : observe log-record providers util
  prometheus         src/prometheus/              : observe util
  # Log export over HTTP (no peer): part of the core entry.
  export             src/export/                  : observe log-record util
  # Lifecycle events for exporters (DESIGN.md §10): the listener types, one request's observation, the diagnostics channel.
  observe            src/observe/                 : log-record contract errors util
  traffic-options    src/traffic/traffic-options.ts : store errors util
  logging            src/logging/                 : log-record endpoints errors util
  store              src/store/                   : log-record errors util
  # Where the admin API reads records from: memory, SQLite, Redis.
  log-store          src/log-store/               : store log-record errors util
  record-usage       src/cost/record-usage.ts     : log-record cost usage errors util
  log-record         src/logging/log-record.ts    : cost usage errors util
  # An endpoint is one record, read by the gateway, engine, traffic, cache and logging.
  endpoints          src/endpoints/               : routing log-record sse provider-contract contract usage errors util
  # What the gateway knows of each kind (options, routing families, catalogue and price ids) is read from here.
  provider-registry  src/providers/registry.ts src/providers/create-providers.ts src/providers/provider-options.ts : providers provider-kit
                                                    provider-contract transport errors util
  # Pure translation, no I/O (DESIGN.md §6); a provider folder may build on another (azure on openai-compatible).
  providers          src/providers/               : provider-kit provider-contract sse transport usage errors util
  provider-kit       src/providers/kit/           : provider-contract transport errors util
  sse                src/sse/                     : provider-contract errors util
  provider-contract  src/providers/types.ts src/providers/openai-types.ts : transport usage errors util
  transport          src/transport/               : errors util
  cost               src/cost/                    : provider-registry usage errors util
  client-signal      src/client-signal.ts         : errors
  contract           src/contract.ts              :
  usage              src/usage.ts                 :
  util               src/util/                    :
  errors             src/errors.ts                :
`;

/**
 * Imports that break the table today, each with the work that removes it (`'from.ts -> to.ts'`).
 * The rule reports an entry here that no longer occurs, so each goes when its reason does.
 */
const PENDING = [];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.bench/', 'src/dashboard/generated/', 'test-output/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts', 'adapters/**/*.ts'],
    plugins: { modelgate: { rules: { 'one-way-layers': oneWayLayers } } },
    rules: {
      'modelgate/one-way-layers': [
        'error',
        { root: import.meta.dirname, layers: parseLayerTable(LAYER_TABLE), pending: PENDING },
      ],
    },
  },
  {
    // Only the transport talks to the network.
    files: ['src/**/*.ts'],
    ignores: ['src/transport/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'undici', message: 'Only src/transport/ imports undici (DESIGN.md §2).' }] },
      ],
    },
  },
  {
    // Node's server objects are the Node host layer's; the core knows only the header type.
    files: ['src/**/*.ts'],
    ignores: ['src/node/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['node:http', 'http', 'node:http2', 'http2'].map((name) => ({
            name,
            allowTypeImports: true,
            message:
              'Node host glue lives in src/node/ (modelgate/node); the core speaks the contract of src/contract.ts.',
          })),
        },
      ],
    },
  },
);
