// The module walls (STYLE.md habits 1 and 3), checked by `npm test` (`npm run deps`): no import cycles between files
// or between domain folders, apps never import each other, libs never import apps, libs only through their root
// alias, and a domain folder reaches another only through its public roles (module, service, repository, entity,
// errors, types, ports, clients): handlers, controllers, consumers and other machinery stay inside their folder.
const apps = '^apps/([^/]+)/src/';
// Folders every domain of an app may use: its config, database, metrics, bus mapping and OpenAPI helpers.
const sharedKernel = '(config|database|metrics|bus|openapi)/';
const publicRoles =
  '[.](module|service|repository|entity|entities|errors|types|port|tokens|client|guard|strategy|registry|resolver|publisher)[.]ts$';

export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Files never import each other in a cycle.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-circular-domains',
      severity: 'error',
      comment: 'Domain folders of an app depend on each other one way only.',
      scope: 'folder',
      from: { path: `${apps}[^/]+` },
      to: { circular: true },
    },
    {
      name: 'apps-never-import-apps',
      severity: 'error',
      comment: 'Apps talk over NATS through @shelflink/contracts, never by import.',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'libs-through-their-root',
      severity: 'error',
      comment: 'Import a lib as @shelflink/<lib>, never a file inside it.',
      from: { path: '^(apps|tools|test|bench|chaos)/' },
      to: { path: '^libs/[^/]+/src/', pathNot: '^libs/[^/]+/src/index[.]ts$' },
    },
    {
      name: 'libs-through-each-others-root',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/', pathNot: ['^libs/$1/', '^libs/[^/]+/src/index[.]ts$'] },
    },
    {
      name: 'sandbox-stands-alone',
      severity: 'error',
      comment: "The sandbox is written from the providers' docs, not from our code.",
      from: { path: '^tools/sandbox/' },
      to: { path: '^(apps|libs)/' },
    },
    {
      name: 'no-domain-internals',
      severity: 'error',
      comment: 'Another domain folder is reached through its public roles only.',
      from: { path: `${apps}([^/]+)/` },
      to: { path: '^apps/$1/src/[^/]+/', pathNot: [`^apps/$1/src/$2/`, `^apps/$1/src/${sharedKernel}`, publicRoles] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^(dist|node_modules)/', '[.](spec|int-spec|e2e-spec)[.]ts$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
