// Typed views of the Pod fields the agent reads, from kubernetes-models.
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IContainerStatus } from 'kubernetes-models/v1/ContainerStatus';
import type { KObject, ObjectMeta } from '../../api/object.js';

export type Pod = Omit<IPod, 'metadata'> & KObject & { metadata: ObjectMeta & { name: string; namespace: string; uid: string } };
export type Volume = IVolume;
export type Container = IContainer;
export type ContainerStatus = IContainerStatus;

/** A sidecar: an init container with restartPolicy Always (upstream: a restartable init container). */
export const isSidecar = (c: Container): boolean => (c as { restartPolicy?: string }).restartPolicy === 'Always';
