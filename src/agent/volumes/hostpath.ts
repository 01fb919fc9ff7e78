// hostPath and local volumes: a path on the node, which here is <nodeRoot>/<path>. The path is resolved
// inside nodeRoot (symlinks followed as if nodeRoot were "/", ".." refused), so a pod can never reach
// the machine's real filesystem outside its node.
// Upstream: pkg/volume/hostpath/host_path.go (checkType, checkTypeInternal), pkg/volume/local/local.go
import { promises as fsp, statSync, existsSync } from 'node:fs';
import { secureJoin } from './safepath.js';
import { VolumeError, type MountedVolume, type VolumeContext, type VolumePlugin } from './types.js';

export const HOST_PATH = 'kubernetes.io/host-path';
export const LOCAL = 'kubernetes.io/local-volume';

/** Where node path p lives on this machine. */
export function nodePath(nodeRoot: string, p: string): string {
  return secureJoin(nodeRoot, p);
}

function kindOf(p: string): 'dir' | 'file' | 'socket' | 'char' | 'block' | 'other' | undefined {
  let st;
  try { st = statSync(p); } catch { return undefined; }
  if (st.isDirectory()) return 'dir';
  if (st.isFile()) return 'file';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  return 'other';
}

/** Checks (and for *OrCreate makes) the hostPath; p is the path as the pod spec names it. */
export async function checkHostPathType(nodeRoot: string, p: string, type: string | undefined): Promise<string> {
  if (p.split('/').includes('..')) throw new VolumeError(`invalid HostPath \`${p}\`: must not contain '..'`, false);
  const host = nodePath(nodeRoot, p);
  const fail = (what: string) => new VolumeError(`hostPath type check failed: ${p} is not a ${what}`, true);
  switch (type ?? '') {
    case '': return host;
    case 'DirectoryOrCreate':
      if (!existsSync(host)) { await fsp.mkdir(host, { recursive: true, mode: 0o755 }); await fsp.chmod(host, 0o755); }
      if (kindOf(host) !== 'dir') throw fail('directory');
      return host;
    case 'Directory': if (kindOf(host) !== 'dir') throw fail('directory'); return host;
    case 'FileOrCreate':
      if (!existsSync(host)) {
        // Upstream does not create missing parent directories for FileOrCreate.
        try { await fsp.writeFile(host, '', { mode: 0o644, flag: 'wx' }); }
        catch (e) { throw new VolumeError(`open ${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`, true); }
      }
      if (kindOf(host) !== 'file') throw fail('file');
      return host;
    case 'File': if (kindOf(host) !== 'file') throw fail('file'); return host;
    case 'Socket': if (kindOf(host) !== 'socket') throw fail('socket file'); return host;
    case 'CharDevice': if (kindOf(host) !== 'char') throw fail('character device'); return host;
    case 'BlockDevice': if (kindOf(host) !== 'block') throw fail('block device'); return host;
    default: throw new VolumeError(`${type} is an invalid volume type`, false);
  }
}

export const hostPathPlugin: VolumePlugin = {
  name: HOST_PATH,
  canSupport: (v) => !!v.hostPath,
  async setUp(ctx, v): Promise<MountedVolume> {
    const host = await checkHostPathType(ctx.nodeRoot, v.hostPath!.path, v.hostPath!.type);
    // A path with no type check that does not exist is created as a directory by the runtime (docker did too).
    if (!existsSync(host)) await fsp.mkdir(host, { recursive: true, mode: 0o755 });
    return { path: host, plugin: HOST_PATH, eventName: v.name };
  },
  async tearDown() { /* the node's data stays */ },
};

/** A local PV source: the path must already exist on the node. */
export function setUpLocal(ctx: VolumeContext, localPath: string, volumeName: string): string {
  if (localPath.split('/').includes('..')) throw new VolumeError(`invalid path "${localPath}": must not contain '..'`, false, 'NewMounter', volumeName);
  const host = nodePath(ctx.nodeRoot, localPath);
  if (!existsSync(host)) throw new VolumeError(`path "${localPath}" does not exist`, true, 'NewMounter', volumeName);
  return host;
}
