// Volume plugins against real directories (root needed for tmpfs and bind mounts), with the upstream
// error texts, the symlink-escape CVEs and the atomic writer layout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, readFileSync, readlinkSync, existsSync, readdirSync, rmSync, lstatSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApiServer, type ApiServer } from '../../apiserver/index.js';
import { createMemoryDatastore } from '../../datastore/index.js';
import { R } from '../../api/gvr.js';
import { checkHostPathType, hostPathPlugin, setUpLocal } from './hostpath.js';
import { secureJoin } from './safepath.js';
import { prepareSubPath, SubPathError } from './subpath.js';
import { atomicWrite } from './atomic-writer.js';
import { setUpPodVolumes, tearDownPod } from './index.js';
import { validateGitRepo, gitRepoPlugin, git } from './gitrepo.js';
import { mountInfo, mountsUnder, unmountIfMounted } from '../runtime/mount.js';
import type { VolumeContext } from './types.js';
import type { Pod, Volume } from '../pods/types.js';

let tmp: string; let root: string; let server: ApiServer;
before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'stowage-vol-'));
  root = path.join(tmp, 'node');
  mkdirSync(root);
  server = createApiServer({ datastore: createMemoryDatastore() });
  await server.ready();
});
after(async () => { for (const m of mountsUnder(tmp)) await unmountIfMounted(m); rmSync(tmp, { recursive: true, force: true }); await server.close(); });

function ctx(volumes: Volume[], uid = 'uid-' + Math.random().toString(36).slice(2)): VolumeContext {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid, labels: { app: 'x', tier: 'web' } }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox', resources: { limits: { memory: '64Mi' } } }], volumes } } as unknown as Pod;
  return { client: server.client(), nodeRoot: root, podDir: path.join(root, 'var/lib/kubelet/pods', uid), pod, nodeName: 'n1', hostIP: '10.0.0.7' };
}
async function failure(p: Promise<unknown>): Promise<string> {
  try { await p; } catch (e) { return (e as Error).message; }
  throw new Error('expected a failure');
}

test('hostPath types: create modes and upstream type-check messages', async () => {
  const made = await checkHostPathType(root, '/data/made', 'DirectoryOrCreate');
  assert.equal(made, path.join(root, 'data/made'));
  assert.equal(statSync(made).mode & 0o777, 0o755);
  const f = await checkHostPathType(root, '/data/file.txt', 'FileOrCreate');
  assert.equal(statSync(f).mode & 0o777, 0o644);
  assert.equal(await failure(checkHostPathType(root, '/data/made', 'File')), 'hostPath type check failed: /data/made is not a file');
  assert.equal(await failure(checkHostPathType(root, '/data/file.txt', 'Directory')), 'hostPath type check failed: /data/file.txt is not a directory');
  assert.equal(await failure(checkHostPathType(root, '/data/none', 'Socket')), 'hostPath type check failed: /data/none is not a socket file');
  assert.equal(await failure(checkHostPathType(root, '/data/none', 'CharDevice')), 'hostPath type check failed: /data/none is not a character device');
  assert.equal(await failure(checkHostPathType(root, '/data/none', 'BlockDevice')), 'hostPath type check failed: /data/none is not a block device');
  assert.equal(await failure(checkHostPathType(root, '/data/../etc', '')), "invalid HostPath `/data/../etc`: must not contain '..'");
  assert.equal(await failure(checkHostPathType(root, '/x', 'Bogus')), 'Bogus is an invalid volume type');
  assert.equal(await failure(checkHostPathType(root, '/nodir/f', 'FileOrCreate')), 'open /nodir/f: no such file or directory');
});

test('hostPath never escapes the node root through symlinks', async () => {
  symlinkSync('/etc', path.join(root, 'evil-abs'));
  symlinkSync('../../../../../../../../etc', path.join(root, 'evil-rel'));
  const a = await checkHostPathType(root, '/evil-abs/passwd', '');
  assert.equal(a, path.join(root, 'etc/passwd'));
  const b = await checkHostPathType(root, '/evil-rel', 'DirectoryOrCreate');
  assert.equal(b, path.join(root, 'etc'));
  assert.ok(existsSync(path.join(root, 'etc')) && !readdirSync(path.join(root, 'etc')).includes('passwd'));
  assert.equal(secureJoin(root, '/a/../../../x'), path.join(root, 'x'));
  const m = await hostPathPlugin.setUp(ctx([]), { name: 'h', hostPath: { path: '/evil-abs' } });
  assert.equal(m.path, path.join(root, 'etc'));
});

test('local volume: path must exist on the node', () => {
  mkdirSync(path.join(root, 'mnt/disks/ssd1'), { recursive: true });
  assert.equal(setUpLocal(ctx([]), '/mnt/disks/ssd1', 'pv1'), path.join(root, 'mnt/disks/ssd1'));
  assert.throws(() => setUpLocal(ctx([]), '/mnt/disks/none', 'pv1'), { message: 'path "/mnt/disks/none" does not exist' });
});

test('emptyDir: 0777 dir, Memory is a sized tmpfs, unknown medium refused, teardown unmounts', async () => {
  const c = ctx([{ name: 'd', emptyDir: {} }, { name: 'm', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } }, { name: 'n', emptyDir: { medium: 'Memory' } }]);
  const vols = await setUpPodVolumes(c);
  assert.equal(statSync(vols.get('d')!.path).mode & 0o777, 0o777);
  assert.equal(vols.get('d')!.path, path.join(c.podDir, 'volumes/kubernetes.io~empty-dir/d'));
  const mi = mountInfo(vols.get('m')!.path)!;
  assert.equal(mi.fstype, 'tmpfs');
  assert.match(mi.options, /size=8192k/);
  assert.match(mountInfo(vols.get('n')!.path)!.options, /size=65536k/); // the pod's memory limit
  await tearDownPod(c.podDir);
  assert.equal(existsSync(c.podDir), false);
  assert.equal(mountsUnder(c.podDir).length, 0);
  const bad = ctx([{ name: 'x', emptyDir: { medium: 'Foo' } }]);
  assert.equal(await failure(setUpPodVolumes(bad)), 'MountVolume.SetUp failed for volume "x" : unknown storage medium "Foo"');
});

test('subPath: created inside the volume, symlinks out of it refused (CVE-2017-1002101)', async () => {
  const c = ctx([]);
  const vol = path.join(tmp, 'vol1'); mkdirSync(vol);
  const t = await prepareSubPath({ volumePath: vol, subPath: 'a/b', podDir: c.podDir, volumeName: 'v', containerName: 'c', index: 0 });
  assert.equal(t, path.join(c.podDir, 'volume-subpaths/v/c/0'));
  writeFileSync(path.join(vol, 'a/b/hello'), 'hi');
  assert.equal(readFileSync(path.join(t, 'hello'), 'utf8'), 'hi');
  // A container plants a symlink to / in the shared volume: the subPath must not follow it.
  symlinkSync('/', path.join(vol, 'escape'));
  await assert.rejects(prepareSubPath({ volumePath: vol, subPath: 'escape/etc', podDir: c.podDir, volumeName: 'v', containerName: 'c', index: 1 }), SubPathError);
  symlinkSync('/etc/passwd', path.join(vol, 'a/pw'));
  await assert.rejects(prepareSubPath({ volumePath: vol, subPath: 'a/pw', podDir: c.podDir, volumeName: 'v', containerName: 'c', index: 2 }), SubPathError);
  await assert.rejects(prepareSubPath({ volumePath: vol, subPath: '../x', podDir: c.podDir, volumeName: 'v', containerName: 'c', index: 3 }), { message: `subpath "${path.join(tmp, 'x')}" not within volume path "${vol}"` });
  await tearDownPod(c.podDir);
  assert.equal(readFileSync(path.join(vol, 'a/b/hello'), 'utf8'), 'hi'); // teardown unmounts, never deletes volume data
});

test('atomic writer: ..data swap, user symlinks, removed keys, unchanged payload is a no-op', async () => {
  const dir = path.join(tmp, 'aw');
  const p = (o: Record<string, string>) => new Map(Object.entries(o).map(([k, v]) => [k, { data: Buffer.from(v), mode: 0o644 }]));
  assert.equal(await atomicWrite(dir, p({ a: '1', 'sub/b': '2' })), true);
  const ts1 = readlinkSync(path.join(dir, '..data'));
  assert.match(ts1, /^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d+$/);
  assert.equal(readlinkSync(path.join(dir, 'a')), '..data/a');
  assert.equal(readlinkSync(path.join(dir, 'sub')), '..data/sub');
  assert.equal(readFileSync(path.join(dir, 'sub/b'), 'utf8'), '2');
  assert.equal(await atomicWrite(dir, p({ a: '1', 'sub/b': '2' })), false);
  assert.equal(await atomicWrite(dir, p({ a: 'changed' })), true);
  assert.notEqual(readlinkSync(path.join(dir, '..data')), ts1);
  assert.equal(existsSync(path.join(dir, ts1)), false);
  assert.equal(existsSync(path.join(dir, 'sub')), false);
  assert.equal(readFileSync(path.join(dir, 'a'), 'utf8'), 'changed');
  await assert.rejects(atomicWrite(dir, p({ '../x': '1' })), { message: "invalid path: must not contain '..': ../x" });
});

test('configMap / secret / downwardAPI / projected: items, modes, optional, upstream errors, live update', async () => {
  const cl = server.client();
  await cl.create(R.configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { 'app.conf': 'x=1', other: 'o' } });
  await cl.create(R.secrets, 'default', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec', namespace: 'default' }, data: { password: Buffer.from('s3cret').toString('base64') } });
  const c = ctx([
    { name: 'cm', configMap: { name: 'cfg', items: [{ key: 'app.conf', path: 'conf/app.conf', mode: 0o600 }] } },
    { name: 's', secret: { secretName: 'sec', defaultMode: 0o400 } },
    { name: 'd', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'ip', fieldRef: { fieldPath: 'status.podIP' } }, { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } }] } },
    { name: 'pr', projected: { sources: [{ configMap: { name: 'cfg', items: [{ key: 'other', path: 'o' }] } }, { secret: { name: 'sec' } }, { configMap: { name: 'missing', optional: true } }] } },
  ]);
  const v = await setUpPodVolumes(c);
  assert.equal(readFileSync(path.join(v.get('cm')!.path, 'conf/app.conf'), 'utf8'), 'x=1');
  assert.equal(statSync(path.join(v.get('cm')!.path, 'conf/app.conf')).mode & 0o777, 0o600);
  assert.equal(existsSync(path.join(v.get('cm')!.path, 'other')), false);
  assert.equal(readFileSync(path.join(v.get('s')!.path, 'password'), 'utf8'), 's3cret');
  assert.equal(statSync(path.join(v.get('s')!.path, 'password')).mode & 0o777, 0o400);
  assert.equal(readFileSync(path.join(v.get('d')!.path, 'labels'), 'utf8'), 'app="x"\ntier="web"');
  assert.equal(readFileSync(path.join(v.get('d')!.path, 'ip'), 'utf8'), '10.0.0.7');
  assert.equal(readFileSync(path.join(v.get('d')!.path, 'mem'), 'utf8'), '64');
  assert.deepEqual(readdirSync(v.get('pr')!.path).filter((f) => !f.startsWith('..')).sort(), ['o', 'password']);
  assert.ok(lstatSync(path.join(v.get('cm')!.path, 'conf')).isSymbolicLink());
  // Live update: a second setUp picks up the new data through the ..data swap.
  await cl.patch(R.configmaps, 'default', 'cfg', 'merge', { data: { 'app.conf': 'x=2' } });
  await setUpPodVolumes(c, (m) => !!m.refresh, v);
  assert.equal(readFileSync(path.join(v.get('cm')!.path, 'conf/app.conf'), 'utf8'), 'x=2');

  assert.equal(await failure(setUpPodVolumes(ctx([{ name: 'cm', configMap: { name: 'nope' } }]))), 'MountVolume.SetUp failed for volume "cm" : configmap "nope" not found');
  assert.equal(await failure(setUpPodVolumes(ctx([{ name: 's', secret: { secretName: 'nope' } }]))), 'MountVolume.SetUp failed for volume "s" : secret "nope" not found');
  assert.equal(await failure(setUpPodVolumes(ctx([{ name: 'cm', configMap: { name: 'cfg', items: [{ key: 'zz', path: 'z' }] } }]))), 'MountVolume.SetUp failed for volume "cm" : configmap references non-existent config key: zz');
  assert.equal(await failure(setUpPodVolumes(ctx([{ name: 's', secret: { secretName: 'sec', items: [{ key: 'zz', path: 'z' }] } }]))), 'MountVolume.SetUp failed for volume "s" : references non-existent secret key: zz');
  const opt = await setUpPodVolumes(ctx([{ name: 'cm', configMap: { name: 'nope', optional: true } }]));
  assert.deepEqual(readdirSync(opt.get('cm')!.path).filter((f) => !f.startsWith('..')), []);
});

test('persistentVolumeClaim: unbound claim and missing local path errors name the PV', async () => {
  const cl = server.client();
  await cl.create(R.persistentvolumeclaims, 'default', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'pending', namespace: 'default' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
  const m = await failure(setUpPodVolumes(ctx([{ name: 'data', persistentVolumeClaim: { claimName: 'pending' } }])));
  assert.match(m, /^MountVolume\.SetUp failed for volume "data" : PVC default\/pending has non-bound phase \("(Pending|)"\) or empty pvc\.Spec\.VolumeName \(""\)$/);
  const m2 = await failure(setUpPodVolumes(ctx([{ name: 'data', persistentVolumeClaim: { claimName: 'absent' } }])));
  assert.equal(m2, 'MountVolume.SetUp failed for volume "data" : persistentvolumeclaim "absent" not found');
});

test('gitRepo: clone + checkout, "-" arguments refused, hooks never run (CVE-2024-10220)', async () => {
  assert.equal(validateGitRepo({ repository: '--upload-pack=touch /tmp/pwned' }), '"--upload-pack=touch /tmp/pwned" is an invalid value for repository');
  assert.equal(validateGitRepo({ repository: 'r', revision: '-x' }), '"-x" is an invalid value for revision');
  assert.equal(validateGitRepo({ repository: 'r', directory: '-d' }), '"-d" is an invalid value for directory');
  const g = (cwd: string, ...a: string[]) => execFileSync('git', ['-c', 'user.email=a@b', '-c', 'user.name=a', ...a], { cwd, stdio: 'pipe' });
  const work = path.join(tmp, 'site'); mkdirSync(work);
  g(work, 'init', '-q', '-b', 'master'); writeFileSync(path.join(work, 'index.html'), 'v1\n'); g(work, 'add', '.'); g(work, 'commit', '-qm', 'v1');
  // A hook that would fire on checkout if hooks were enabled.
  const marker = path.join(tmp, 'hook-ran');
  mkdirSync(path.join(work, '.git/hooks'), { recursive: true });
  writeFileSync(path.join(work, '.git/hooks/post-checkout'), `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
  const c = ctx([]);
  const m = await gitRepoPlugin.setUp(c, { name: 'html', gitRepo: { repository: work, revision: 'master', directory: '.' } });
  assert.equal(readFileSync(path.join(m.path, 'index.html'), 'utf8'), 'v1\n');
  // Not re-synced: a new commit does not reach an existing volume.
  writeFileSync(path.join(work, 'index.html'), 'v2\n'); g(work, 'commit', '-qam', 'v2');
  await gitRepoPlugin.setUp(c, { name: 'html', gitRepo: { repository: work, revision: 'master', directory: '.' } });
  assert.equal(readFileSync(path.join(m.path, 'index.html'), 'utf8'), 'v1\n');
  // Every git command the kubelet runs ignores repository hooks: a checkout in a repository whose
  // post-checkout hook would run with hooks enabled leaves no trace.
  const inner = path.join(tmp, 'hooked'); mkdirSync(inner); g(inner, 'init', '-q', '-b', 'master');
  writeFileSync(path.join(inner, 'f'), 'x'); g(inner, 'add', '.'); g(inner, 'commit', '-qm', 'x'); g(inner, 'branch', 'other');
  writeFileSync(path.join(inner, '.git/hooks/post-checkout'), `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
  g(inner, 'checkout', '-q', 'other');
  assert.equal(existsSync(marker), true, 'control: plain git runs the hook');
  rmSync(marker);
  const r = await git(['checkout', 'master'], inner);
  assert.equal(r.err, undefined);
  assert.equal(existsSync(marker), false);
  const bad = await failure(setUpPodVolumes(ctx([{ name: 'g', gitRepo: { repository: '-oops' } }])));
  assert.equal(bad, 'MountVolume.NewMounter initialization failed for volume "g" : "-oops" is an invalid value for repository');
});
