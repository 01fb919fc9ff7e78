import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatLabelSelector, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, labelSelectorFromObject,
  labelSelectorString, matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector,
} from './labels.js';

const DNS_LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

test('name validators return upstream messages', () => {
  assert.deepEqual(isDNS1123Label('my-name'), []);
  assert.deepEqual(isDNS1123Label('Data_1'), [DNS_LABEL_MSG]);
  assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
  assert.deepEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
  assert.deepEqual(isDNS1123Subdomain('Code-PV'), ["a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]);
  assert.deepEqual(isQualifiedName('kubernetes.io/pv-protection'), []);
  assert.deepEqual(isQualifiedName('a/b/c'), ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]);
  assert.deepEqual(isQualifiedName('/x'), ['prefix part must be non-empty']);
  assert.deepEqual(isValidLabelValue(''), []);
  assert.deepEqual(isValidLabelValue('-x'), ["a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"]);
});

test('label selector string form parses and matches', () => {
  const sel = parseLabelSelector('app=web, tier!=db,env in (prod,staging),!legacy,team');
  assert.equal(labelSelectorString(sel), 'app=web,env in (prod,staging),!legacy,team,tier!=db');
  assert.equal(matchesLabels(sel, { app: 'web', env: 'prod', team: 'a' }), true);
  assert.equal(matchesLabels(sel, { app: 'web', env: 'prod', team: 'a', tier: 'db' }), false);
  assert.equal(matchesLabels(sel, { app: 'web', env: 'dev', team: 'a' }), false);
  assert.equal(matchesLabels(sel, { app: 'web', env: 'prod', team: 'a', legacy: '' }), false);
  assert.equal(matchesLabels(sel, { app: 'web', env: 'prod' }), false);
  assert.equal(matchesLabels(parseLabelSelector(''), {}), true);
  assert.equal(matchesLabels(parseLabelSelector('app==db'), { app: 'db' }), true);
  assert.equal(matchesLabels(parseLabelSelector('x notin (a)'), {}), true);
  assert.equal(matchesLabels(parseLabelSelector('n>3'), { n: '4' }), true);
  assert.equal(matchesLabels(parseLabelSelector('n<3'), { n: '4' }), false);
});

test('label selector parse errors are upstream texts', () => {
  assert.throws(() => parseLabelSelector('app=web,'), { message: "found '', expected: identifier after ','" });
  assert.throws(() => parseLabelSelector('app in web'), { message: "unable to parse requirement: found 'web' expected: '('" });
  assert.throws(() => parseLabelSelector('a b'), { message: "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, exists, !, gt, lt" });
  assert.throws(() => parseLabelSelector('a=b=c'), { message: "found '=', expected: ',' or 'end of string'" });
  assert.throws(() => parseLabelSelector('-x=1'), /^Error: unable to parse requirement: <nil>: Invalid value: "-x": name part must consist of/);
  assert.throws(() => parseLabelSelector('x=-1'), { message: `unable to parse requirement: values[0][x]: Invalid value: "-1": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')` });
});

test('LabelSelector object form', () => {
  const sel = labelSelectorFromObject({ matchLabels: { app: 'db' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['cache'] }, { key: 'zone', operator: 'Exists' }] });
  assert.equal(matchesLabels(sel, { app: 'db', zone: 'a' }), true);
  assert.equal(matchesLabels(sel, { app: 'db', zone: 'a', tier: 'cache' }), false);
  assert.equal(matchesLabels(labelSelectorFromObject(undefined), { a: 'b' }), false);
  assert.equal(matchesLabels(labelSelectorFromObject({}), { a: 'b' }), true);
  assert.throws(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Gt' }] }), { message: '"Gt" is not a valid label selector operator' });
  assert.equal(formatLabelSelector({ matchLabels: { app: 'web' } }), 'app=web');
  assert.equal(formatLabelSelector({}), '<none>');
});

test('field selectors', () => {
  const sel = parseFieldSelector('involvedObject.name=web-0,involvedObject.namespace=,type!=Normal');
  const ev: Record<string, string> = { 'involvedObject.name': 'web-0', 'involvedObject.namespace': '', type: 'Warning' };
  assert.equal(matchesFields(sel, (f) => ev[f]), true);
  ev.type = 'Normal';
  assert.equal(matchesFields(sel, (f) => ev[f]), false);
  assert.equal(matchesFields(parseFieldSelector('metadata.name==a'), (f) => (f === 'metadata.name' ? 'a' : undefined)), true);
  assert.equal(matchesFields(parseFieldSelector('metadata.name=a\\,b'), () => 'a,b'), true);
  assert.throws(() => parseFieldSelector('metadata.name'), { message: "invalid selector: 'metadata.name'; can't understand 'metadata.name'" });
  assert.throws(() => parseFieldSelector('a=b\\x'), { message: 'invalid field selector: invalid escape sequence: \\x' });
});
