// Event (events.k8s.io/v1): the same events through the newer API's field names (regarding, note,
// reportingController, deprecated*), validated with its stricter rules and printed with the same columns.
// Upstream: pkg/apis/core/validation/events.go (ValidateEventCreate for events.k8s.io/v1),
// pkg/apis/events/v1/conversion.go, pkg/registry/core/event (shared storage and printer).
import type { KindDef } from '../../types.js';
import type { KObject } from '../../../api/object.js';
import { invalid, required, type FieldError } from '../../../api/field.js';
import { deepEqual, validateImmutableField, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/meta.js';
import { eventCells, eventColumns, eventFieldSelectors, legacyValidateEvent, type EventView, type ObjectReference } from '../core/event.js';

export interface EventsV1Event extends KObject {
  eventTime?: string;
  series?: { count?: number; lastObservedTime?: string };
  reportingController?: string;
  reportingInstance?: string;
  action?: string;
  reason?: string;
  regarding?: ObjectReference;
  related?: ObjectReference;
  note?: string;
  type?: string;
  deprecatedSource?: { component?: string; host?: string };
  deprecatedFirstTimestamp?: string;
  deprecatedLastTimestamp?: string;
  deprecatedCount?: number;
}

export const eventsV1View = (e: EventsV1Event): EventView => ({
  name: e.metadata.name, namespace: e.metadata.namespace, involvedObject: e.regarding ?? {}, reason: e.reason ?? '', message: e.note ?? '',
  sourceComponent: e.deprecatedSource?.component ?? '', sourceHost: e.deprecatedSource?.host ?? '',
  firstTimestamp: e.deprecatedFirstTimestamp ?? undefined, lastTimestamp: e.deprecatedLastTimestamp ?? undefined, count: e.deprecatedCount ?? 0,
  type: e.type ?? '', eventTime: e.eventTime ?? undefined, series: e.series ?? undefined, action: e.action ?? '',
  reportingController: e.reportingController ?? '', reportingInstance: e.reportingInstance ?? '',
});

// Strict validation for events.k8s.io/v1 (core/v1 keeps only the legacy rules). Upstream: ValidateEventCreate.
function validateEventsV1(e: EventsV1Event): FieldError[] {
  const v = eventsV1View(e);
  const errs = legacyValidateEvent(v);
  errs.push(...validateObjectMeta(e.metadata, { namespaced: true }));
  errs.push(...validateSeries(e));
  if (!e.eventTime) errs.push(required('eventTime'));
  if (e.type !== 'Normal' && e.type !== 'Warning') errs.push(invalid('type', '', `has invalid value: ${e.type ?? ''}`));
  if (e.deprecatedFirstTimestamp) errs.push(invalid('firstTimestamp', '', 'needs to be unset'));
  if (e.deprecatedLastTimestamp) errs.push(invalid('lastTimestamp', '', 'needs to be unset'));
  if (e.deprecatedCount) errs.push(invalid('count', '', 'needs to be unset'));
  if (e.deprecatedSource?.component || e.deprecatedSource?.host) errs.push(invalid('source', '', 'needs to be unset'));
  return errs;
}

function validateSeries(e: EventsV1Event): FieldError[] {
  if (!e.series) return [];
  const errs: FieldError[] = [];
  if ((e.series.count ?? 0) < 2) errs.push(invalid('series.count', '', 'should be at least 2'));
  if (!e.series.lastObservedTime) errs.push(required('series.lastObservedTime'));
  return errs;
}

/** ValidateEventUpdate for events.k8s.io/v1: everything but the series and metadata is immutable. */
function validateEventsV1Update(e: EventsV1Event, old: EventsV1Event): FieldError[] {
  const errs = [...legacyValidateEvent(eventsV1View(e)), ...validateObjectMetaUpdate(e.metadata, old.metadata)];
  if (!deepEqual(e.series, old.series)) errs.push(...validateSeries(e));
  const pairs: [string, unknown, unknown][] = [
    ['involvedObject', e.regarding, old.regarding], ['reason', e.reason, old.reason], ['message', e.note, old.note],
    ['source', e.deprecatedSource, old.deprecatedSource], ['firstTimestamp', e.deprecatedFirstTimestamp, old.deprecatedFirstTimestamp],
    ['lastTimestamp', e.deprecatedLastTimestamp, old.deprecatedLastTimestamp], ['count', e.deprecatedCount, old.deprecatedCount],
    ['type', e.type, old.type], ['eventTime', e.eventTime, old.eventTime], ['action', e.action, old.action], ['related', e.related, old.related],
    ['reportingController', e.reportingController, old.reportingController], ['reportingInstance', e.reportingInstance, old.reportingInstance],
  ];
  for (const [path, n, o] of pairs) errs.push(...validateImmutableField(n, o, path));
  return errs;
}

const selectors = eventFieldSelectors(eventsV1View);

export const event: KindDef<EventsV1Event> = {
  names: { group: 'events.k8s.io', version: 'v1', kind: 'Event', listKind: 'EventList', resource: 'events', singular: 'event', shortNames: ['ev'], categories: [], namespaced: true },
  schema: 'io.k8s.api.events.v1.Event',
  hasStatus: false,
  // Upstream: event strategy AllowCreateOnUpdate() is true (recorders PUT events they may not have created).
  allowCreateOnUpdate: true,
  validate: (e) => validateEventsV1(e),
  validateUpdate: (e, old) => validateEventsV1Update(e, old),
  printer: { columns: eventColumns(), cells: (e, now) => eventCells(eventsV1View(e), now) },
  // The internal object is core.Event, so upstream's selectors use its field names; the v1 names are accepted too.
  fieldSelectors: {
    ...selectors,
    'regarding.kind': selectors['involvedObject.kind']!,
    'regarding.namespace': selectors['involvedObject.namespace']!,
    'regarding.name': selectors['involvedObject.name']!,
    'regarding.uid': selectors['involvedObject.uid']!,
    'regarding.apiVersion': selectors['involvedObject.apiVersion']!,
    'regarding.resourceVersion': selectors['involvedObject.resourceVersion']!,
    'regarding.fieldPath': selectors['involvedObject.fieldPath']!,
    reportingController: selectors['reportingComponent']!,
  },
};
