// Event (core/v1): legacy validation (namespace agreement, required fields for new-style events), the
// `kubectl get events` printer, and the field selectors `kubectl describe` relies on.
// Upstream: pkg/apis/core/validation/events.go (ValidateEventCreate, legacyValidateEvent),
// pkg/registry/core/event/strategy.go (ToSelectableFields), printers.go (printEvent).
import type { KindDef } from '../../types.js';
import type { KObject } from '../../../api/object.js';
import { invalid, required, type FieldError } from '../../../api/field.js';
import { isDNS1123Subdomain, isQualifiedName } from '../../../api/labels.js';
import { validateObjectMeta } from '../../validation/meta.js';
import { nameIsValidPathSegment } from '../../validation/names.js';
import { ageCell } from '../../../api/duration.js';
import { docColumn, nameColumn } from '../../printing/columns.js';
import type { ColumnDefinition } from '../../types.js';

export interface ObjectReference { kind?: string; namespace?: string; name?: string; uid?: string; apiVersion?: string; resourceVersion?: string; fieldPath?: string }

export interface CoreEvent extends KObject {
  involvedObject?: ObjectReference;
  reason?: string;
  message?: string;
  source?: { component?: string; host?: string };
  firstTimestamp?: string;
  lastTimestamp?: string;
  count?: number;
  type?: string;
  eventTime?: string;
  series?: { count?: number; lastObservedTime?: string };
  action?: string;
  related?: ObjectReference;
  reportingComponent?: string;
  reportingInstance?: string;
}

/** The flat view both Event APIs share, as upstream's internal core.Event. */
export interface EventView {
  name?: string;
  namespace?: string;
  involvedObject: ObjectReference;
  reason: string;
  message: string;
  sourceComponent: string;
  sourceHost: string;
  firstTimestamp?: string;
  lastTimestamp?: string;
  count: number;
  type: string;
  eventTime?: string;
  series?: { count?: number; lastObservedTime?: string };
  action: string;
  reportingController: string;
  reportingInstance: string;
}

export const coreEventView = (e: CoreEvent): EventView => ({
  name: e.metadata.name, namespace: e.metadata.namespace, involvedObject: e.involvedObject ?? {}, reason: e.reason ?? '', message: e.message ?? '',
  sourceComponent: e.source?.component ?? '', sourceHost: e.source?.host ?? '', firstTimestamp: e.firstTimestamp ?? undefined,
  lastTimestamp: e.lastTimestamp ?? undefined, count: e.count ?? 0, type: e.type ?? '', eventTime: e.eventTime ?? undefined,
  series: e.series ?? undefined, action: e.action ?? '', reportingController: e.reportingComponent ?? '', reportingInstance: e.reportingInstance ?? '',
});

const REPORTING_INSTANCE_LIMIT = 128;
const ACTION_LIMIT = 128;
const REASON_LIMIT = 128;
const NOTE_LIMIT = 1024;

/** legacyValidateEvent. Paths are the internal core.Event's names whichever API the event came through. */
export function legacyValidateEvent(e: EventView): FieldError[] {
  const reportingField = 'reportingController';
  const paths = { involvedNamespace: 'involvedObject.namespace', message: 'message' };
  const errs: FieldError[] = [];
  const ns = e.namespace ?? '';
  const involvedNs = e.involvedObject.namespace ?? '';
  if (!e.eventTime) {
    if (!involvedNs) {
      if (ns !== '' && ns !== 'default') errs.push(invalid(paths.involvedNamespace, involvedNs, 'does not match event.namespace'));
    } else if (ns !== involvedNs) errs.push(invalid(paths.involvedNamespace, involvedNs, 'does not match event.namespace'));
  } else {
    if (!involvedNs && ns !== 'default' && ns !== 'kube-system') errs.push(invalid(paths.involvedNamespace, involvedNs, 'does not match event.namespace'));
    if (!e.reportingController) errs.push(required(reportingField));
    for (const m of isQualifiedName(e.reportingController)) errs.push(invalid(reportingField, e.reportingController, m));
    if (!e.reportingInstance) errs.push(required('reportingInstance'));
    if (e.reportingInstance.length > REPORTING_INSTANCE_LIMIT) errs.push(invalid('reportingInstance', '', `can have at most ${REPORTING_INSTANCE_LIMIT} characters`));
    if (!e.action) errs.push(required('action'));
    if (e.action.length > ACTION_LIMIT) errs.push(invalid('action', '', `can have at most ${ACTION_LIMIT} characters`));
    if (!e.reason) errs.push(required('reason'));
    if (e.reason.length > REASON_LIMIT) errs.push(invalid('reason', '', `can have at most ${REASON_LIMIT} characters`));
    if (e.message.length > NOTE_LIMIT) errs.push(invalid(paths.message, '', `can have at most ${NOTE_LIMIT} characters`));
  }
  for (const m of isDNS1123Subdomain(ns)) errs.push(invalid('namespace', ns, m));
  return errs;
}

/** The `kubectl get events` columns. Upstream: printers.go, eventColumnDefinitions. */
export const eventColumns = (): ColumnDefinition[] => [
  docColumn('Last Seen', 'io.k8s.api.core.v1.Event', 'lastTimestamp'),
  docColumn('Type', 'io.k8s.api.core.v1.Event', 'type'),
  docColumn('Reason', 'io.k8s.api.core.v1.Event', 'reason'),
  docColumn('Object', 'io.k8s.api.core.v1.Event', 'involvedObject'),
  docColumn('Subobject', 'io.k8s.api.core.v1.ObjectReference', 'fieldPath', { priority: 1 }),
  docColumn('Source', 'io.k8s.api.core.v1.Event', 'source', { priority: 1 }),
  docColumn('Message', 'io.k8s.api.core.v1.Event', 'message'),
  docColumn('First Seen', 'io.k8s.api.core.v1.Event', 'firstTimestamp', { priority: 1 }),
  docColumn('Count', 'io.k8s.api.core.v1.Event', 'count', { priority: 1 }),
  { ...nameColumn(), priority: 1 },
];

/** printEvent's cells (wide form; kubectl hides the priority-1 ones). */
export function eventCells(e: EventView, now: Date): unknown[] {
  const firstTimestamp = e.firstTimestamp ? ageCell(e.firstTimestamp, now) : ageCell(e.eventTime, now);
  let lastTimestamp = e.lastTimestamp ? ageCell(e.lastTimestamp, now) : firstTimestamp;
  let count = e.count;
  if (e.series) {
    lastTimestamp = ageCell(e.series.lastObservedTime, now);
    count = e.series.count ?? 0;
  } else if (count === 0) count = 1; // singleton events carry no count in the new API
  const kind = (e.involvedObject.kind ?? '').toLowerCase();
  const target = e.involvedObject.name ? `${kind}/${e.involvedObject.name}` : kind;
  const component = e.sourceComponent || e.reportingController;
  const instance = e.sourceHost || e.reportingInstance;
  const source = instance ? `${component}, ${instance}` : component;
  return [lastTimestamp, e.type, e.reason, target, e.involvedObject.fieldPath ?? '', source, e.message.trim(), firstTimestamp, count, e.name];
}

/** Upstream: pkg/registry/core/event/strategy.go, ToSelectableFields (beyond metadata.name/namespace). */
export const eventFieldSelectors = (view: (e: any) => EventView): Record<string, (e: any) => string | undefined> => ({
  'involvedObject.kind': (e) => view(e).involvedObject.kind ?? '',
  'involvedObject.namespace': (e) => view(e).involvedObject.namespace ?? '',
  'involvedObject.name': (e) => view(e).involvedObject.name ?? '',
  'involvedObject.uid': (e) => view(e).involvedObject.uid ?? '',
  'involvedObject.apiVersion': (e) => view(e).involvedObject.apiVersion ?? '',
  'involvedObject.resourceVersion': (e) => view(e).involvedObject.resourceVersion ?? '',
  'involvedObject.fieldPath': (e) => view(e).involvedObject.fieldPath ?? '',
  reason: (e) => view(e).reason,
  reportingComponent: (e) => view(e).reportingController,
  source: (e) => view(e).sourceComponent || view(e).reportingController,
  type: (e) => view(e).type,
});

const validateCore = (e: CoreEvent) => [
  ...legacyValidateEvent(coreEventView(e)),
  ...validateObjectMeta(e.metadata, { namespaced: true, nameValidator: nameIsValidPathSegment }),
];

export const event: KindDef<CoreEvent> = {
  names: { group: '', version: 'v1', kind: 'Event', listKind: 'EventList', resource: 'events', singular: 'event', shortNames: ['ev'], categories: [], namespaced: true },
  schema: 'io.k8s.api.core.v1.Event',
  hasStatus: false,
  // Upstream: event strategy AllowCreateOnUpdate() is true (recorders PUT events they may not have created).
  allowCreateOnUpdate: true,
  validate: (e) => validateCore(e),
  validateUpdate: (e) => validateCore(e),
  printer: { columns: eventColumns(), cells: (e, now) => eventCells(coreEventView(e), now) },
  fieldSelectors: eventFieldSelectors(coreEventView),
};
