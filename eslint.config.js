// Lint rules that keep the layering of docs/DESIGN.md honest: no `any`, and imports only point down.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Modules each layer must not import (directories under src/). */
const forbidden = {
  meta: ['storage', 'registry', 'apis', 'auth', 'tenancy', 'kube', 'graphql', 'server', 'controllers'],
  storage: ['registry', 'apis', 'auth', 'tenancy', 'kube', 'graphql', 'server', 'controllers'],
  registry: ['apis', 'tenancy', 'kube', 'graphql', 'server', 'controllers'],
  apis: ['tenancy', 'kube', 'graphql', 'server', 'controllers'],
  controllers: ['kube', 'graphql', 'server'],
  tenancy: ['kube', 'graphql', 'server'],
  kube: ['graphql', 'server'],
  graphql: ['kube', 'server'],
  crd: ['kube', 'graphql', 'server'],
  auth: ['kube', 'graphql', 'server', 'apiexports'],
  apiexports: ['kube', 'graphql', 'server'],
  admission: ['kube', 'graphql', 'server'],
  // The front proxy routes by an index of the shards' objects; it keeps no store and serves no API.
  proxy: ['storage', 'registry', 'apis', 'kube', 'graphql', 'server', 'controllers', 'crd', 'apiexports', 'admission'],
  // What shards know of each other, by their HTTP API: below the proxy and the server, beside the SDK.
  shards: ['storage', 'registry', 'apis', 'kube', 'graphql', 'server', 'controllers', 'crd', 'apiexports', 'admission', 'proxy'],
  // Tooling over the layers: the SDL converter reads the CRD and GraphQL layers; the CLI speaks
  // HTTP to a server, never into its serving parts.
  sdl: ['kube', 'server'],
  cli: ['kube', 'server', 'storage', 'controllers'],
  // The SDK is a client of the server's HTTP surface: it shares only dependency-free pieces (the work queue).
  sdk: ['storage', 'registry', 'apis', 'auth', 'tenancy', 'kube', 'graphql', 'server', 'crd', 'apiexports', 'admission'],
};

const layerRules = Object.entries(forbidden).map(([layer, banned]) => ({
  files: [`src/${layer}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: banned.map((b) => ({
          group: [`**/${b}/*`, `**/${b}`],
          message: `src/${layer} sits below src/${b}; dependencies point downwards only (docs/DESIGN.md).`,
        })),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.atoll/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  ...layerRules,
);
