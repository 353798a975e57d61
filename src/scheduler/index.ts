// The public surface of the scheduler: what `podbay server` starts.
export { Scheduler, defaultSchedulerName, type SchedulerOptions } from './scheduler.ts';
