import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { containerCredentials, imageUser, CreateError } from './security.js';
import { ConfigError } from './env.js';
import type { Container, Pod } from './types.js';

function rootfs(): string {
  const r = mkdtempSync(path.join(os.tmpdir(), 'stowage-sec-'));
  mkdirSync(path.join(r, 'etc'));
  writeFileSync(path.join(r, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnginx:x:101:101:nginx:/var/cache/nginx:/sbin/nologin\napp:x:1000:1000::/home/app:/bin/sh\n');
  writeFileSync(path.join(r, 'etc/group'), 'root:x:0:\nnginx:x:101:\napp:x:1000:\nwww:x:33:nginx,app\n');
  return r;
}
const pod = (sc: object = {}): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid: 'u1' }, spec: { securityContext: sc, containers: [] } } as unknown as Pod);
const ctr = (sc?: object): Container => ({ name: 'c', image: 'x', ...(sc ? { securityContext: sc } : {}) } as Container);

test('image USER as the kubelet reads it: numeric uid, name, or root; the group part is not used', () => {
  assert.deepEqual(imageUser(undefined), { uid: 0 });
  assert.deepEqual(imageUser('1000:1000'), { uid: 1000 });
  assert.deepEqual(imageUser('nginx:www'), { name: 'nginx' });
});

test('credentials: root without groups changes nothing; names and uids resolved in the image\'s passwd and group', () => {
  const r = rootfs();
  assert.deepEqual(containerCredentials(pod(), ctr(), {}, r), {});
  // USER nginx: its uid and group from passwd, its memberships from group.
  assert.deepEqual(containerCredentials(pod(), ctr(), { User: 'nginx' }, r), { uid: 101, gid: 101, groups: [101, 33] });
  // runAsUser over the image's USER; the primary group from the passwd entry of that uid.
  assert.deepEqual(containerCredentials(pod({ runAsUser: 1000 }), ctr(), { User: 'nginx' }, r), { uid: 1000, gid: 1000, groups: [1000, 33] });
  // A uid the image does not know: group 0; runAsGroup, fsGroup and supplementalGroups as given.
  assert.deepEqual(containerCredentials(pod({ runAsUser: 4242 }), ctr(), {}, r), { uid: 4242, gid: 0, groups: [0] });
  assert.deepEqual(containerCredentials(pod({ fsGroup: 2000, supplementalGroups: [5] }), ctr({ runAsUser: 7, runAsGroup: 3000 }), {}, r), { uid: 7, gid: 3000, groups: [3000, 2000, 5] });
  // fsGroup alone: still root, with the extra group.
  assert.deepEqual(containerCredentials(pod({ fsGroup: 2000 }), ctr(), {}, r), { uid: 0, gid: 0, groups: [0, 2000] });
  // A name the image's passwd lacks: containerd's error.
  assert.throws(() => containerCredentials(pod(), ctr(), { User: 'ghost' }, r), (e: unknown) => e instanceof CreateError && e.message === 'no users found');
});

test('the image\'s /etc/passwd is read inside the image: a symlink to the host\'s file is not followed out', () => {
  const r = mkdtempSync(path.join(os.tmpdir(), 'stowage-sec-'));
  mkdirSync(path.join(r, 'etc'));
  symlinkSync('/etc/passwd', path.join(r, 'etc/passwd')); // resolves to <root>/etc/passwd: itself, not the host's
  assert.throws(() => containerCredentials(pod(), ctr(), { User: 'root' }, r), CreateError);
});

test('runAsNonRoot as the kubelet verifies it, container settings over the pod\'s', () => {
  const r = rootfs();
  const msg = (fn: () => unknown) => { try { fn(); return ''; } catch (e) { assert.ok(e instanceof ConfigError); return (e as Error).message; } };
  assert.equal(msg(() => containerCredentials(pod({ runAsNonRoot: true }), ctr(), {}, r)), 'container has runAsNonRoot and image will run as root (pod: "p_ns(u1)", container: c)');
  assert.equal(msg(() => containerCredentials(pod({ runAsNonRoot: true }), ctr({ runAsUser: 0 }), { User: 'app' }, r)), 'container\'s runAsUser breaks non-root policy (pod: "p_ns(u1)", container: c)');
  assert.equal(msg(() => containerCredentials(pod({ runAsNonRoot: true }), ctr(), { User: 'app' }, r)), 'container has runAsNonRoot and image has non-numeric user (app), cannot verify user is non-root (pod: "p_ns(u1)", container: c)');
  assert.equal(msg(() => containerCredentials(pod({ runAsNonRoot: true }), ctr(), { User: '1000' }, r)), '');
  assert.equal(msg(() => containerCredentials(pod({ runAsNonRoot: true }), ctr({ runAsNonRoot: false }), {}, r)), '');
});
