// What a kind is, declared once per kind in registry/kinds/<group>/<kind>.ts: its names and scope, its
// defaults, validation with upstream messages, update strategy, status subresource, printer columns and
// field selectors. The API server's generic store reads only this; it has no per-kind code of its own.
// Upstream: pkg/registry/*/strategy.go, pkg/apis/*/validation, pkg/printers/internalversion/printers.go
import type { FieldError } from '../api/field.js';
import type { KObject } from '../api/object.js';

export interface KindNames {
  group: string;          // "" for core
  version: string;        // "v1"
  kind: string;           // "PersistentVolume"
  listKind: string;       // "PersistentVolumeList"
  resource: string;       // "persistentvolumes"
  singular: string;       // "persistentvolume"
  shortNames?: string[];  // ["pv"]
  categories?: string[];  // ["all"]
  namespaced: boolean;
}

/** A column of the server-side Table (meta.k8s.io/v1), as upstream's printers declare it. */
export interface ColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;          // "name" for the Name column, else ""
  description: string;
  priority: number;        // 1 = only with -o wide
}

export interface Printer<T extends KObject = KObject> {
  columns: ColumnDefinition[];
  /** The cells of one row; `now` is injected so AGE is testable. */
  cells(obj: T, now: Date): unknown[];
}

export interface SubresourceDef {
  name: string;            // "status", "scale", "binding", "eviction", "log", "exec", ...
  kind: string;            // the response kind in discovery ("Scale", "Binding", "Pod", "PodExecOptions")
  group?: string;          // when it differs from the parent (pods/eviction is policy/v1 Eviction)
  version?: string;
  verbs: string[];
}

/** Passed to validation and strategy hooks: what upstream gets from the request context. */
export interface StrategyContext {
  now: Date;
  /** Whether the request is a dry run (no side effects beyond validation). */
  dryRun: boolean;
}

export interface KindDef<T extends KObject = KObject> {
  names: KindNames;
  /** The OpenAPI component name of the kind's schema (e.g. io.k8s.api.core.v1.PersistentVolume). */
  schema: string;
  verbs?: string[];        // default: all of create, delete, deletecollection, get, list, patch, update, watch
  subresources?: SubresourceDef[];
  /** Whether spec/status are split: the main resource ignores status changes and status/ ignores the rest. */
  hasStatus?: boolean;
  /** Upstream defaulting (SetDefaults_*), applied on every write before validation. */
  defaults?(obj: T): void;
  /** Upstream PrepareForCreate: clear status, set generation, etc. */
  prepareForCreate?(obj: T, ctx: StrategyContext): void;
  /** Upstream PrepareForUpdate (main resource): keep status from old, bump generation on spec change. */
  prepareForUpdate?(obj: T, old: T, ctx: StrategyContext): void;
  /** Upstream StatusStrategy.PrepareForUpdate: keep everything but status from old. */
  prepareForStatusUpdate?(obj: T, old: T, ctx: StrategyContext): void;
  validate?(obj: T, ctx: StrategyContext): FieldError[];
  validateUpdate?(obj: T, old: T, ctx: StrategyContext): FieldError[];
  validateStatusUpdate?(obj: T, old: T, ctx: StrategyContext): FieldError[];
  /**
   * Update strategies of subresources other than status that write the object itself (pods/ephemeralcontainers):
   * prepare returns what is stored (from old, with the part the subresource may change), validate checks it.
   */
  subresourceUpdates?: Record<string, { prepare(obj: T, old: T): T; validate(obj: T, old: T): FieldError[] }>;
  /** Non-fatal warnings returned in Warning headers (e.g. gitRepo deprecation). */
  warnings?(obj: T): string[];
  printer?: Printer<T>;
  /** Field selectors beyond metadata.name and metadata.namespace (which every kind supports). */
  fieldSelectors?: Record<string, (obj: T) => string | undefined>;
  /** Whether objects of this kind may be created on update (PUT of a missing object). */
  allowCreateOnUpdate?: boolean;
}
