export * from './data-source';
export * from './migrator';
export * from './persistence.module';
export * from './auth';
export * from './catalog';
export * from './exports';
export * from './ingest/ingest.repository';
export * from './effectiveness';
