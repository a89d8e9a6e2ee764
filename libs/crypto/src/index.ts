export * from './secret-box';
export * from './hashing';
