// gitRepo (deprecated upstream, still served): an emptyDir with a `git clone` in it, checked out at
// revision once; a ready marker means it is never cloned or updated again. Arguments starting with "-"
// are refused, positional arguments follow "--", and hooks are disabled for every git command, so a
// repository cannot run code on the node (CVE-2024-10220).
// Upstream: pkg/volume/git_repo/git_repo.go (validateVolume, SetUpAt)
import { execFile } from 'node:child_process';
import { promises as fsp, existsSync } from 'node:fs';
import path from 'node:path';
import { setUpEmptyDir } from './emptydir.js';
import { setVolumeOwnership, podFsGroup } from './ownership.js';
import { VolumeError, pluginDir, type MountedVolume, type VolumePlugin } from './types.js';
import { unmountIfMounted } from '../runtime/mount.js';

export const GIT_REPO = 'kubernetes.io/git-repo';
const NO_HOOKS = ['-c', 'core.hooksPath=/dev/null'];

/** Runs git with hooks disabled and no system/user configuration. */
export function git(args: string[], cwd: string): Promise<{ output: string; err?: Error }> {
  return new Promise((resolve) => {
    execFile('git', [...NO_HOOKS, ...args], {
      cwd, timeout: 120_000,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1' },
    }, (err, stdout, stderr) => resolve({ output: stdout + stderr, err: err ?? undefined }));
  });
}

/** Upstream: git_repo.go validateVolume */
export function validateGitRepo(src: { repository: string; revision?: string; directory?: string }): string | undefined {
  if (src.repository.startsWith('-')) return `${JSON.stringify(src.repository)} is an invalid value for repository`;
  if ((src.revision ?? '').startsWith('-')) return `${JSON.stringify(src.revision)} is an invalid value for revision`;
  if ((src.directory ?? '').startsWith('-')) return `${JSON.stringify(src.directory)} is an invalid value for directory`;
  return undefined;
}

export const gitRepoPlugin: VolumePlugin = {
  name: GIT_REPO,
  canSupport: (v) => !!v.gitRepo,
  async setUp(ctx, v): Promise<MountedVolume> {
    const src = v.gitRepo!;
    const invalid = validateGitRepo(src);
    if (invalid) throw new VolumeError(invalid, false, 'NewMounter');
    const dir = pluginDir(ctx, GIT_REPO, v.name);
    const ready = path.join(ctx.podDir, 'plugins', GIT_REPO.replace('/', '~'), v.name, 'ready');
    const mounted: MountedVolume = { path: dir, plugin: GIT_REPO, eventName: v.name };
    if (existsSync(ready)) return mounted;
    await setUpEmptyDir(ctx, { name: v.name, emptyDir: {} }, GIT_REPO);
    const args = ['clone', '--', src.repository];
    if (src.directory) args.push(src.directory);
    const clone = await git(args, dir);
    if (clone.err) throw new VolumeError(`failed to exec 'git ${args.join(' ')}': ${clone.output}: ${clone.err.message}`, true);
    if (src.revision) {
      const files = await fsp.readdir(dir);
      let subdir = dir;
      if (src.directory && path.normalize(src.directory) === '.') subdir = dir;
      else if (files.length === 1) subdir = path.join(dir, files[0]!);
      else if (files.length > 1) throw new VolumeError(`unexpected directory contents: [${files.join(' ')}]`, true);
      for (const a of [['checkout', src.revision], ['reset', '--hard']]) {
        const r = await git(a, subdir);
        if (r.err) throw new VolumeError(`failed to exec 'git ${a.join(' ')}': ${r.output}: ${r.err.message}`, true);
      }
    }
    await setVolumeOwnership(dir, podFsGroup(ctx.pod).fsGroup, false);
    await fsp.mkdir(path.dirname(ready), { recursive: true });
    await fsp.writeFile(ready, '');
    return mounted;
  },
  async tearDown(ctx, v) {
    const dir = pluginDir(ctx, GIT_REPO, v.name);
    await unmountIfMounted(dir);
    await fsp.rm(dir, { recursive: true, force: true });
  },
};
