import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/object.js';
import { StatusError } from '../../api/errors.js';
import { recordUpdate, serverSideApply } from './ssa.js';
import { ensureGenerated } from './testing.js';

before(() => ensureGenerated());
const gvk = { group: 'apps', version: 'v1', kind: 'Deployment' };
const t0 = new Date('2026-01-01T00:00:00.123Z');
const t1 = new Date('2026-01-01T00:01:00Z');
const sts = (replicas: number, extra: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }] }] } }, ...extra },
});

test('create records an Update entry with the upstream FieldsV1 shape (keyed list items, defaults for key fields)', () => {
  const obj = sts(2);
  recordUpdate({ updated: obj, manager: 'kubectl-client-side-apply', gvk, now: t0 });
  assert.deepEqual(obj.metadata.managedFields, [{
    manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'apps/v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1',
    fieldsV1: {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {}, 'f:selector': { 'f:matchLabels': { 'f:app': {} } },
        'f:template': { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': {
          '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } } } } },
      },
    },
  }]);
});

test('apply over a field owned by another manager with a different value is the upstream 409', () => {
  const live = sts(2);
  recordUpdate({ updated: live, manager: 'kubectl-client-side-apply', gvk, now: t0 });
  assert.throws(() => serverSideApply({ live, applied: sts(3), manager: 'kubectl', force: false, gvk, now: t1 }), (e: unknown) => {
    assert.ok(e instanceof StatusError);
    assert.equal(e.code, 409);
    assert.equal(e.reason, 'Conflict');
    assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
    assert.deepEqual(e.details?.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }]);
    return true;
  });
});

test('same values share ownership; force takes the conflicting field; several conflicts are listed per manager', () => {
  const live = sts(2);
  recordUpdate({ updated: live, manager: 'kubectl-client-side-apply', gvk, now: t0 });
  const shared = serverSideApply({ live, applied: sts(2), manager: 'kubectl', force: false, gvk, now: t1 });
  assert.deepEqual(shared.metadata.managedFields!.map((m) => [m.manager, m.operation]), [['kubectl', 'Apply'], ['kubectl-client-side-apply', 'Update']]);
  const forced = serverSideApply({ live, applied: sts(3), manager: 'kubectl', force: true, gvk, now: t1 });
  assert.equal((forced.spec as any).replicas, 3);
  const csa = forced.metadata.managedFields!.find((m) => m.manager === 'kubectl-client-side-apply')!;
  assert.equal('f:replicas' in (csa.fieldsV1!['f:spec'] as object), false);
  const two = sts(4); (two.spec as any).template.spec.containers[0].image = 'nginx:2';
  assert.throws(() => serverSideApply({ live, applied: two, manager: 'kubectl', force: false, gvk, now: t1 }), (e: unknown) =>
    e instanceof StatusError && e.message === 'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image');
});

test('apply creates, merges keyed lists, and removes fields the applier dropped unless someone else owns them', () => {
  const first = serverSideApply({ applied: { ...sts(1), metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'a' } } }, manager: 'kubectl', force: false, gvk, now: t0 });
  assert.equal(first.metadata.managedFields!.length, 1);
  assert.equal(first.metadata.managedFields![0]!.operation, 'Apply');
  // another manager adds a container and a label
  const edited = structuredClone(first);
  (edited.spec as any).template.spec.containers.push({ name: 'side', image: 'busybox' });
  edited.metadata.labels!.team = 'x';
  recordUpdate({ old: first, updated: edited, manager: 'kubectl-edit', gvk, now: t1 });
  // the applier drops label tier and changes the image: tier goes, team and the sidecar stay
  const cfg = sts(1); (cfg.spec as any).template.spec.containers[0].image = 'nginx:2';
  const out = serverSideApply({ live: edited, applied: cfg, manager: 'kubectl', force: false, gvk, now: t1 });
  assert.deepEqual(out.metadata.labels, { app: 'web', team: 'x' });
  assert.deepEqual((out.spec as any).template.spec.containers.map((c: any) => `${c.name}=${c.image}`), ['nginx=nginx:2', 'side=busybox']);
});

test('an update takes ownership of the fields it changes and drops removed fields from every manager', () => {
  const live = serverSideApply({ applied: sts(2), manager: 'kubectl', force: false, gvk, now: t0 });
  const upd = structuredClone(live);
  (upd.spec as any).replicas = 5;
  delete upd.metadata.labels;
  recordUpdate({ old: live, updated: upd, manager: 'kube-controller-manager', gvk, now: t1 });
  const [apply, update] = upd.metadata.managedFields!;
  assert.equal(apply!.manager, 'kubectl');
  assert.equal('f:replicas' in (apply!.fieldsV1!['f:spec'] as object), false);
  assert.equal('f:metadata' in apply!.fieldsV1!, false);
  assert.deepEqual(update!.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
});
