// The layering the README states, checked by `npm run lint` (part of `npm test`):
//   src/shared  pure: imports nothing from src/app, src/server, src/demo, node: and no npm
//               package but zod (so no React, Dexie, Fastify); the DOM types are kept out by
//               tsconfig.shared.json;
//   src/app and src/server never import each other;
//   src/demo    demo generators for scripts, tests and the benchmarks: production code never
//               imports them, and they import no app, server or node: code;
//   nothing in src imports tests/, bench/ or scripts/; no file imports in a circle.
// Tests, benchmarks and scripts may import anything.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No file imports in a circle (type-only imports count: they tie the files together too).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'shared-is-pure',
      severity: 'error',
      comment: 'src/shared runs on the phone and the server alike: it imports neither, nor the demo generators.',
      from: { path: '^src/shared/' },
      to: { path: '^(src/(app|server|demo)|tests|bench|scripts)/' },
    },
    {
      name: 'shared-no-node-builtins',
      severity: 'error',
      comment: 'src/shared imports no node: builtin (it runs in the browser too).',
      from: { path: '^src/shared/' },
      to: {
        dependencyTypes: ['core'],
      },
    },
    {
      name: 'shared-npm-allowlist',
      severity: 'error',
      comment:
        'src/shared imports no npm package but pure, platform-free ones (today zod, and @hpke/core for sealing on WebCrypto): never ' +
        'React, Dexie, Fastify, i18next or a database driver. Add a package here only if it runs ' +
        'unchanged in the browser and in Node without the DOM or node: modules.',
      from: { path: '^src/shared/' },
      to: {
        dependencyTypesNot: ['local', 'core'],
        pathNot: '(^|/)node_modules/(zod|@hpke/(core|common))/',
      },
    },
    {
      name: 'demo-is-pure',
      severity: 'error',
      comment: 'The demo generators run in Node and in the browser (bench/browser): like src/shared, no app, server or node:.',
      from: { path: '^src/demo/' },
      to: { path: '^(src/(app|server)|tests|bench|scripts)/' },
    },
    {
      name: 'demo-no-node-builtins',
      severity: 'error',
      from: { path: '^src/demo/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'app-not-to-server',
      severity: 'error',
      comment: 'The PWA talks to the ward endpoint over HTTP only; shared shapes live in src/shared.',
      from: { path: '^src/app/' },
      to: { path: '^src/server/' },
    },
    {
      name: 'server-not-to-app',
      severity: 'error',
      comment: 'The ward endpoint never imports the PWA; shared shapes live in src/shared.',
      from: { path: '^src/server/' },
      to: { path: '^src/app/' },
    },
    {
      name: 'no-demo-in-production',
      severity: 'error',
      comment: 'Demo generators are for scripts, tests and benchmarks, never the app or the server.',
      from: { path: '^src/(app|server)/' },
      to: { path: '^src/demo/' },
    },
    {
      name: 'src-not-to-tooling',
      severity: 'error',
      comment: 'Production code never imports tests, benchmarks or scripts.',
      from: { path: '^src/' },
      to: { path: '^(tests|bench|scripts)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve is a broken build (or a missing dependency).',
      from: {},
      // virtual: modules are made by Vite plugins at build time (vite-plugin-pwa).
      to: { couldNotResolve: true, pathNot: '^virtual:' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|dev-dist)/' },
    // Type-only imports count: a type from src/app in src/shared breaks the layering too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
