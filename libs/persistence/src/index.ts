export * from './data-source';
export * from './migrator';
export * from './persistence.module';
export * from './auth';
export * from './catalog';
export * from './effectiveness';
export * from './ingest/ingest.repository';
