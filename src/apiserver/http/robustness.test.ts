// No input may crash or wedge the server: malformed bodies, patches, selectors and paths get a Status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { memoryServer } from '../testing/harness.js';

function call(port: number, method: string, path: string, body?: string, ct = 'application/json'): Promise<{ code: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: body !== undefined ? { 'Content-Type': ct, 'Content-Length': Buffer.byteLength(body) } : {} }, (res) => {
      let b = ''; res.on('data', (d) => { b += d; }); res.on('end', () => resolve({ code: res.statusCode!, body: b }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('malformed requests get Status answers and the server keeps serving', async () => {
  const s = await memoryServer();
  const { port } = await s.listen({ port: 0 });
  const cm = '/api/v1/namespaces/default/configmaps';
  await call(port, 'POST', cm, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"pp"}}');
  const cases: [string, string, string | undefined, string | undefined, number][] = [
    ['POST', cm, '[1,2]', undefined, 400],
    ['POST', cm, 'null', undefined, 400],
    ['POST', cm, '{"metadata":"x"}', undefined, 400],
    ['POST', cm, '{bad', undefined, 400],
    ['POST', cm, 'x', 'text/plain', 415],
    ['PUT', `${cm}/pp`, '{"metadata":{"name":"y"}}', undefined, 400],
    ['PATCH', `${cm}/pp`, '{bad', 'application/json-patch+json', 400],
    ['PATCH', `${cm}/pp`, '"str"', 'application/merge-patch+json', 400],
    ['PATCH', `${cm}/pp`, '{"metadata":null}', 'application/merge-patch+json', 400],
    ['PATCH', `${cm}/pp`, '[{"op":"replace","path":"/metadata","value":5}]', 'application/json-patch+json', 400],
    ['PATCH', `${cm}/pp`, '{}', 'application/x-unknown', 415],
    ['GET', `${cm}?continue=zzz`, undefined, undefined, 400],
    ['GET', `${cm}?labelSelector=a%20in%20((((`, undefined, undefined, 400],
    ['GET', `${cm}?fieldSelector=foo`, undefined, undefined, 400],
    ['GET', '/api/v1/namespaces/%ZZ/configmaps', undefined, undefined, 200],
    ['GET', '/api/v1/nosuch', undefined, undefined, 404],
    ['GET', '/apis/nosuch.io/v1/things', undefined, undefined, 404],
    ['GET', `${cm}/pp/nosuch`, undefined, undefined, 404],
    ['DELETE', `${cm}/pp`, '{bad', undefined, 400],
    ['POST', '/api/v1/namespaces/default/pods/x/eviction', '{}', undefined, 404],
  ];
  for (const [method, path, body, ct, code] of cases) {
    const r = await call(port, method, path, body, ct);
    assert.equal(r.code, code, `${method} ${path} ${body}: ${r.body}`);
    if (code >= 400) {
      const st = JSON.parse(r.body) as { kind: string; code: number };
      assert.equal(st.kind, 'Status', r.body);
      assert.equal(st.code, code);
    }
  }
  const ok = await call(port, 'GET', '/healthz');
  assert.equal(ok.body, 'ok');
  const still = await call(port, 'GET', `${cm}/pp`);
  assert.equal(still.code, 200);
  await s.close();
});
