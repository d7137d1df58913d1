export * from './export-log.repository';
export * from './export-results.repository';
export * from './sample-evidence.repository';
export * from './export-snapshot';
