// The storage kinds.
import { storageClass } from './storageclass.js';
import { volumeAttachment } from './volumeattachment.js';
import { cSIDriver } from './csidriver.js';
import { cSINode } from './csinode.js';
import type { KindDef } from '../../types.js';

export const storageKinds: KindDef[] = [storageClass, volumeAttachment, cSIDriver, cSINode] as KindDef[];
