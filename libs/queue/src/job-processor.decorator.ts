import { SetMetadata } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { JobData, JobName } from './jobs';

export const JOB_PROCESSOR = Symbol('JOB_PROCESSOR');

/** Marks a provider as the processor of one catalogued job. */
export const JobProcessor = (name: JobName): ClassDecorator => SetMetadata(JOB_PROCESSOR, name);

export interface JobHandler<N extends JobName> {
  handle(data: JobData<N>, job: Job<JobData<N>>): Promise<unknown>;
}
