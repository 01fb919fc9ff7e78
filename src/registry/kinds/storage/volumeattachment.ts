// VolumeAttachment (storage.k8s.io/v1): names only so far; defaults, validation, strategy and printer to follow.
// Upstream: pkg/registry and pkg/apis validation for VolumeAttachment.
import type { KindDef } from '../../types.js';

export const volumeAttachment: KindDef = {
  names: { group: "storage.k8s.io", version: "v1", kind: "VolumeAttachment", listKind: "VolumeAttachmentList", resource: "volumeattachments", singular: "volumeattachment", shortNames: [], categories: [], namespaced: false },
  schema: "io.k8s.api.storage.v1.VolumeAttachment",
  hasStatus: true,
};
