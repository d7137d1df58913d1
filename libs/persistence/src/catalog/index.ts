export * from './catalog.records';
export * from './catalog.repository';
