import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.bench/'] },
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
    // Adapters depend on the public entry only (tRPC enforces the same for its adapters).
    files: ['adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/src/*', '!**/src/index.js'], message: 'Adapters import only the public entry, src/index.ts.' }] }],
    },
  },
  {
    // Only the transport talks to the network.
    files: ['src/**/*.ts'],
    ignores: ['src/transport/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'undici', message: 'Only src/transport/ imports undici (DESIGN.md §2).' }] }],
    },
  },
);
