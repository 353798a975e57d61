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
    component: field(string(), 'Name of the component, e.g. kubelet or default-scheduler.'),
    host: field(string(), 'Node the event was reported on.'),
  },
);
export type EventSource = Infer<typeof eventSourceSchema>;

export const eventSeriesSchema = object(
  'io.k8s.api.core.v1.EventSeries',
  'A series of repeated occurrences of an event.',
  {
    count: field(int32(), 'Number of occurrences so far.'),
    lastObservedTime: field(microTime(), 'When the last occurrence was observed.'),
  },
);
export type EventSeries = Infer<typeof eventSeriesSchema>;

export const eventSchema = object(
  'io.k8s.api.core.v1.Event',
  'A report of something that happened to an object, e.g. a pod scheduled, an image pulled or a container crashing. Best-effort, informative, and deleted after a retention period (one hour by default).',
  {
    ...typeAndObjectMeta(),
    metadata: requiredField(objectMetaSchema, 'Standard object metadata.'),
    involvedObject: requiredField(objectReferenceSchema, 'The object the event is about.'),
    reason: field(
      string(),
      'Short CamelCase reason, e.g. Scheduled, Pulled, Started, BackOff or FailedScheduling.',
    ),
    message: field(string(), 'Human-readable description.'),
    source: field(eventSourceSchema, 'The component that reported the event.'),
    firstTimestamp: field(time(), 'When the event was first recorded.'),
    lastTimestamp: field(time(), 'When the event was last recorded.'),
    count: field(int32(), 'How many times the event occurred.'),
    type: field(string(), 'Normal or Warning; more types may be added.'),
    eventTime: field(microTime(), 'When the event was first observed, with microsecond precision.'),
    series: field(
      eventSeriesSchema,
      'The series of occurrences, for an event that repeats; unset for a one-off event.',
    ),
    action: field(string(), 'What was done (or failed) to the object, e.g. Binding or Preempting.'),
    related: field(objectReferenceSchema, 'A second object involved, if any.'),
    reportingComponent: field(
      string(),
      'Name of the reporting controller, e.g. kubernetes.io/kubelet.',
    ),
    reportingInstance: field(
      string(),
      'ID of the reporting controller instance, e.g. kubelet-node1.',
    ),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'Event' }] },
);
export type Event = Infer<typeof eventSchema>;

export const eventListSchema = listOf(eventSchema, { group: '', version: 'v1', kind: 'Event' });
export type EventList = Infer<typeof eventListSchema>;
