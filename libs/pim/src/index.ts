export * from './gtin';
export * from './slug';
export * from './money';
export * from './attribute-values';
export * from './product-query';
export * from './csv';
export * from './catalog-export.runner';
export * from './bulk-job.runner';
