export * from './jobs';
export * from './retry';
export * from './job-lock';
export * from './job-processor.decorator';
export * from './queue.service';
export * from './queue.module';
