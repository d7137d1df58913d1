export * from './api-key';
export * from './api-keys.repository';
export * from './issue-api-key';
