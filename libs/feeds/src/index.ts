export * from './item';
export * from './serializers';
export * from './rules';
export * from './source';
export * from './feed-generator.service';
export * from './feed-refresher.service';
