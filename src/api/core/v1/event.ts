/**
 * core/v1: The core/v1 Event kind (events.k8s.io/v1 is a different view of the same objects).
 */
import {
  field,
  int32,
  microTime,
  object,
  requiredField,
  string,
  time,
  type Infer,
} from '../../schema/schema.ts';
import { listOf, objectMetaSchema, typeAndObjectMeta } from '../../meta/v1.ts';
import { objectReferenceSchema } from './references.ts';

export const eventSourceSchema = object(
  'io.k8s.api.core.v1.EventSource',
  'The component that reported an event.',
  {
    component: field(string(), 'Name of the component, e.g. kubelet or default-scheduler.', {
      proto: 1,
    }),
    host: field(string(), 'Node the event was reported on.', { proto: 2 }),
  },
);
export type EventSource = Infer<typeof eventSourceSchema>;

export const eventSeriesSchema = object(
  'io.k8s.api.core.v1.EventSeries',
  'A series of repeated occurrences of an event.',
  {
    count: field(int32(), 'Number of occurrences so far.', { proto: 1 }),
    lastObservedTime: field(microTime(), 'When the last occurrence was observed.', { proto: 2 }),
  },
);
export type EventSeries = Infer<typeof eventSeriesSchema>;

export const eventSchema = object(
  'io.k8s.api.core.v1.Event',
  'A report of something that happened to an object, e.g. a pod scheduled, an image pulled or a container crashing. Best-effort, informative, and deleted after a retention period (one hour by default).',
  {
    ...typeAndObjectMeta(),
    metadata: requiredField(objectMetaSchema, 'Standard object metadata.', { proto: 1 }),
    involvedObject: requiredField(objectReferenceSchema, 'The object the event is about.', {
      proto: 2,
    }),
    reason: field(
      string(),
      'Short CamelCase reason, e.g. Scheduled, Pulled, Started, BackOff or FailedScheduling.',
      { proto: 3 },
    ),
    message: field(string(), 'Human-readable description.', { proto: 4 }),
    source: field(eventSourceSchema, 'The component that reported the event.', { proto: 5 }),
    firstTimestamp: field(time(), 'When the event was first recorded.', { proto: 6 }),
    lastTimestamp: field(time(), 'When the event was last recorded.', { proto: 7 }),
    count: field(int32(), 'How many times the event occurred.', { proto: 8 }),
    type: field(string(), 'Normal or Warning; more types may be added.', { proto: 9 }),
    eventTime: field(
      microTime(),
      'When the event was first observed, with microsecond precision.',
      { proto: 10 },
    ),
    series: field(
      eventSeriesSchema,
      'The series of occurrences, for an event that repeats; unset for a one-off event.',
      { proto: 11 },
    ),
    action: field(
      string(),
      'What was done (or failed) to the object, e.g. Binding or Preempting.',
      { proto: 12 },
    ),
    related: field(objectReferenceSchema, 'A second object involved, if any.', { proto: 13 }),
    reportingComponent: field(
      string(),
      'Name of the reporting controller, e.g. kubernetes.io/kubelet.',
      { proto: 14 },
    ),
    reportingInstance: field(
      string(),
      'ID of the reporting controller instance, e.g. kubelet-node1.',
      { proto: 15 },
    ),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'Event' }] },
);
export type Event = Infer<typeof eventSchema>;

export const eventListSchema = listOf(eventSchema, { group: '', version: 'v1', kind: 'Event' });
export type EventList = Infer<typeof eventListSchema>;
