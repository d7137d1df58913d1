/** The architecture's boundaries (STYLE.md), checked by `npm run boundaries` in `npm run check`. */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'libs/domain is pure: no framework, database or broker, and nothing else of ours',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: {
        path: [
          '^libs/(contracts|persistence|platform)/',
          '^apps/',
          'node_modules/(@nestjs|typeorm|pg|kafkajs|pino|prom-client)',
        ],
      },
    },
    {
      name: 'contracts-are-pure',
      comment: 'contracts are types and validators: no framework, database or broker',
      severity: 'error',
      from: { path: '^libs/contracts/' },
      to: {
        path: [
          '^libs/(persistence|platform)/',
          '^apps/',
          'node_modules/(@nestjs|typeorm|pg|kafkajs)',
        ],
      },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-app-imports-another-app',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^(apps|libs)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(\\.spec\\.ts|\\.integration-spec\\.ts)$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
