export * from './csv';
export * from './export-tables';
export * from './bundle-manifest';
export * from './bundle-consistency';
