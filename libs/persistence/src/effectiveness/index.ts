export * from './pair-scope';
export * from './effectiveness.query';
export * from './effectiveness-snapshot.repository';
export * from './result-history.repository';
export * from './status-change.repository';
export * from './result-packs';
