export * from './catalog-document';
export * from './parse-catalog-document';
export * from './render-catalog-document';
