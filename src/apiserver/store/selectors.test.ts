import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFieldSelector, parseLabelSelector, fieldGetters } from './selectors.js';
import type { KObject } from '../../api/object.js';
import type { KindDef } from '../../registry/types.js';

const obj = (labels: Record<string, string>, extra: Partial<KObject> = {}): KObject => ({ metadata: { name: 'p1', namespace: 'ns1', labels }, ...extra });

test('label selectors: equality, inequality, sets, existence', () => {
  const o = obj({ app: 'db', tier: 'gold' });
  const m = (s: string) => parseLabelSelector(s)!(o);
  assert.equal(m('app=db'), true);
  assert.equal(m('app==db'), true);
  assert.equal(m('app=web'), false);
  assert.equal(m('app!=web'), true);
  assert.equal(m('missing!=x'), true);
  assert.equal(m('app in (db,web)'), true);
  assert.equal(m('app notin (db)'), false);
  assert.equal(m('tier'), true);
  assert.equal(m('!tier'), false);
  assert.equal(m('app=db,tier=silver'), false);
  assert.equal(m('app=db, tier in (gold, silver)'), true);
  assert.equal(parseLabelSelector(''), undefined);
});

test('field selectors: metadata fields, kind fields, unknown field → 400 with upstream text', () => {
  const def = { names: {}, schema: '', fieldSelectors: { 'spec.nodeName': (o: KObject) => (o.spec as { nodeName?: string }).nodeName, 'status.phase': (o: KObject) => (o.status as { phase?: string }).phase } } as unknown as KindDef;
  const g = fieldGetters(def);
  const o = obj({}, { spec: { nodeName: 'n1' }, status: { phase: 'Running' } });
  const f = (s: string) => parseFieldSelector(s, g).match!(o);
  assert.equal(f('metadata.name=p1'), true);
  assert.equal(f('metadata.namespace=ns1,metadata.name==p1'), true);
  assert.equal(f('spec.nodeName=n1,status.phase!=Succeeded,status.phase!=Failed'), true);
  assert.equal(f('status.phase!=Running'), false);
  assert.equal(parseFieldSelector('metadata.name=p1', g).name, 'p1');
  assert.throws(() => parseFieldSelector('spec.x=1', g), (e: Error & { code?: number }) => e.message === 'field label not supported: spec.x' && e.code === 400);
});
