// batch/v1: Job and CronJob, and their defaulting.
export * from './job.ts';
export * from './cron-job.ts';
export * from './well-known.ts';
export * from './defaults.ts';
export * from './validation-cron.ts';
export * from './validation.ts';
export * from './resources.ts';
