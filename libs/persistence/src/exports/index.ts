export * from './export-log.repository';
export * from './export-results.repository';
