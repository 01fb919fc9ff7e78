// Who a container runs as, decided as the kubelet and containerd decide it:
// - runAsUser/runAsGroup/runAsNonRoot of the container over the pod's;
// - without runAsUser, the image's USER: the kubelet takes its numeric uid, or its name (the part before
//   ':'; the image's group is not used under Kubernetes);
// - runAsNonRoot refuses uid 0, and a user name it cannot check, before the container is made
//   (CreateContainerConfigError with the kubelet's message);
// - the primary group: runAsGroup, else the user's group in the image's /etc/passwd, else 0; a user name
//   missing from the image's /etc/passwd fails the start as containerd does ("no users found");
// - supplementary groups: the primary group, the image's /etc/group memberships, fsGroup, supplementalGroups.
// Upstream: pkg/kubelet/kuberuntime/security_context_others.go (verifyRunAsNonRoot),
// kuberuntime_container.go (getImageUser), containerd oci/spec_opts.go (WithUser, WithAdditionalGIDs).
import { readFileSync } from 'node:fs';
import { secureJoin } from '../volumes/safepath.js';
import { ConfigError } from './env.js';
import type { Credentials } from '../runtime/credentials.js';
import type { Container, Pod } from './types.js';

/** A failure of the runtime while making the container: CreateContainerError with this message. */
export class CreateError extends Error {}

interface EffectiveSecurity { runAsUser?: number; runAsGroup?: number; runAsNonRoot?: boolean }

export function effectiveSecurity(pod: Pod, c: Container): EffectiveSecurity {
  const p = (pod.spec?.securityContext ?? {}) as EffectiveSecurity;
  const k = (c.securityContext ?? {}) as EffectiveSecurity;
  return { runAsUser: k.runAsUser ?? p.runAsUser, runAsGroup: k.runAsGroup ?? p.runAsGroup, runAsNonRoot: k.runAsNonRoot ?? p.runAsNonRoot };
}

/** The image's USER as the kubelet reads it from the runtime: a numeric uid, or a user name, or root. */
export function imageUser(user: string | undefined): { uid?: number; name?: string } {
  const u = (user ?? '').split(':')[0]!;
  if (u === '') return { uid: 0 };
  return /^\d+$/.test(u) ? { uid: Number(u) } : { name: u };
}

/** Upstream format.Pod: name_namespace(uid). */
const podDesc = (pod: Pod) => `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;

/** Upstream verifyRunAsNonRoot: undefined when the container may start. */
export function runAsNonRootError(pod: Pod, c: Container, sc: EffectiveSecurity, image: { uid?: number; name?: string }): string | undefined {
  if (!sc.runAsNonRoot) return undefined;
  if (sc.runAsUser !== undefined) {
    return sc.runAsUser === 0 ? `container's runAsUser breaks non-root policy (pod: "${podDesc(pod)}", container: ${c.name})` : undefined;
  }
  if (image.uid === 0) return `container has runAsNonRoot and image will run as root (pod: "${podDesc(pod)}", container: ${c.name})`;
  if (image.uid === undefined && image.name) {
    return `container has runAsNonRoot and image has non-numeric user (${image.name}), cannot verify user is non-root (pod: "${podDesc(pod)}", container: ${c.name})`;
  }
  return undefined;
}

interface PasswdEntry { name: string; uid: number; gid: number }
interface GroupEntry { gid: number; members: string[] }

/** The lines of one of the image's /etc files, resolved inside the image's root; none when it has none. */
function etcLines(rootfs: string, file: string): string[][] {
  let text: string;
  try { text = readFileSync(secureJoin(rootfs, `/etc/${file}`), 'utf8'); } catch { return []; }
  return text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
}

function passwd(rootfs: string): PasswdEntry[] {
  return etcLines(rootfs, 'passwd').filter((f) => f.length >= 4 && /^\d+$/.test(f[2]!) && /^\d+$/.test(f[3]!))
    .map((f) => ({ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]) }));
}

function groups(rootfs: string): GroupEntry[] {
  return etcLines(rootfs, 'group').filter((f) => f.length >= 3 && /^\d+$/.test(f[2]!))
    .map((f) => ({ gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) }));
}

/**
 * The container's credentials, or undefined fields where nothing changes (root, no extra groups: the
 * sandbox runs the command as it is). Throws ConfigError (runAsNonRoot) or CreateError (unknown user name).
 */
export function containerCredentials(pod: Pod, c: Container, image: { User?: string }, rootfs: string | undefined): Credentials {
  const sc = effectiveSecurity(pod, c);
  const img = imageUser(image.User);
  const refused = runAsNonRootError(pod, c, sc, img);
  if (refused) throw new ConfigError(refused);
  const psc = pod.spec?.securityContext as { fsGroup?: number; supplementalGroups?: number[] } | undefined;
  const extra = [...(psc?.fsGroup !== undefined ? [psc.fsGroup] : []), ...(psc?.supplementalGroups ?? [])];
  const byName = sc.runAsUser === undefined ? img.name : undefined;
  const uid = sc.runAsUser ?? img.uid;
  // The image's files are read only when something is to be looked up: the common root case reads nothing.
  if (byName === undefined && !uid && sc.runAsGroup === undefined && extra.length === 0) return {};
  const users = rootfs ? passwd(rootfs) : [];
  const entry = byName !== undefined ? users.find((u) => u.name === byName) : users.find((u) => u.uid === uid);
  if (byName !== undefined && !entry) throw new CreateError('no users found');
  const gid = sc.runAsGroup ?? entry?.gid ?? 0;
  const member = entry && rootfs ? groups(rootfs).filter((g) => g.members.includes(entry.name)).map((g) => g.gid) : [];
  const all = [...new Set([gid, ...member, ...extra])];
  const finalUid = entry?.uid ?? uid ?? 0;
  return { uid: finalUid, gid, groups: all };
}
