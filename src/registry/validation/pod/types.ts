// Loose shapes of the pod-spec parts the registry reads, as a client sends them: every field optional and
// every enum a plain string, because validation must see (and reject) values outside upstream's enums.
// kubernetes-models' interfaces encode the enums as literal unions, which would hide exactly those values.

export type IntOrString = number | string;
export type ResourceList = Record<string, string | number>;

export interface KeyToPath { key?: string; path?: string; mode?: number }
export interface ObjectFieldSelector { apiVersion?: string; fieldPath?: string }
export interface ResourceFieldSelector { containerName?: string; resource?: string; divisor?: string | number }
export interface DownwardAPIVolumeFile { path?: string; fieldRef?: ObjectFieldSelector; resourceFieldRef?: ResourceFieldSelector; mode?: number }

export interface VolumeSource {
  emptyDir?: { medium?: string; sizeLimit?: string | number };
  hostPath?: { path?: string; type?: string };
  gitRepo?: { repository?: string; revision?: string; directory?: string };
  secret?: { secretName?: string; items?: KeyToPath[]; defaultMode?: number; optional?: boolean };
  nfs?: { server?: string; path?: string; readOnly?: boolean };
  persistentVolumeClaim?: { claimName?: string; readOnly?: boolean };
  downwardAPI?: { items?: DownwardAPIVolumeFile[]; defaultMode?: number };
  configMap?: { name?: string; items?: KeyToPath[]; defaultMode?: number; optional?: boolean };
  projected?: { sources?: VolumeProjection[]; defaultMode?: number };
  csi?: { driver?: string; readOnly?: boolean; fsType?: string; volumeAttributes?: Record<string, string> };
  ephemeral?: { volumeClaimTemplate?: { metadata?: Record<string, unknown>; spec?: Record<string, unknown> } };
  image?: { reference?: string; pullPolicy?: string };
  [other: string]: unknown;
}
export interface Volume extends VolumeSource { name?: string }

export interface VolumeProjection {
  secret?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  configMap?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  downwardAPI?: { items?: DownwardAPIVolumeFile[] };
  serviceAccountToken?: { audience?: string; expirationSeconds?: number; path?: string };
  clusterTrustBundle?: Record<string, unknown>;
}

export interface VolumeMount {
  name?: string; mountPath?: string; readOnly?: boolean; subPath?: string; subPathExpr?: string;
  mountPropagation?: string; recursiveReadOnly?: string;
}
export interface VolumeDevice { name?: string; devicePath?: string }

export interface ContainerPort { name?: string; containerPort?: number; hostPort?: number; hostIP?: string; protocol?: string }

export interface EnvVar {
  name?: string; value?: string;
  valueFrom?: {
    fieldRef?: ObjectFieldSelector; resourceFieldRef?: ResourceFieldSelector;
    configMapKeyRef?: { name?: string; key?: string; optional?: boolean };
    secretKeyRef?: { name?: string; key?: string; optional?: boolean };
  };
}
export interface EnvFromSource { prefix?: string; configMapRef?: { name?: string }; secretRef?: { name?: string } }

export interface ResourceRequirements { limits?: ResourceList; requests?: ResourceList; claims?: { name?: string }[] }

export interface HTTPGetAction { path?: string; port?: IntOrString; host?: string; scheme?: string; httpHeaders?: { name?: string; value?: string }[] }
export interface Probe {
  exec?: { command?: string[] }; httpGet?: HTTPGetAction; tcpSocket?: { port?: IntOrString; host?: string };
  grpc?: { port?: number; service?: string };
  initialDelaySeconds?: number; timeoutSeconds?: number; periodSeconds?: number; successThreshold?: number;
  failureThreshold?: number; terminationGracePeriodSeconds?: number;
}

export interface SecurityContext { privileged?: boolean; [other: string]: unknown }

export interface Container {
  name?: string; image?: string; command?: string[]; args?: string[]; workingDir?: string;
  ports?: ContainerPort[]; env?: EnvVar[]; envFrom?: EnvFromSource[]; resources?: ResourceRequirements;
  volumeMounts?: VolumeMount[]; volumeDevices?: VolumeDevice[];
  livenessProbe?: Probe; readinessProbe?: Probe; startupProbe?: Probe; lifecycle?: Record<string, unknown>;
  terminationMessagePath?: string; terminationMessagePolicy?: string; imagePullPolicy?: string;
  securityContext?: SecurityContext; restartPolicy?: string; stdin?: boolean; tty?: boolean;
  [other: string]: unknown;
}

export interface Toleration { key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number }

export interface PodSpec {
  volumes?: Volume[];
  initContainers?: Container[];
  containers?: Container[];
  ephemeralContainers?: Container[];
  restartPolicy?: string;
  terminationGracePeriodSeconds?: number;
  activeDeadlineSeconds?: number;
  dnsPolicy?: string;
  nodeSelector?: Record<string, string>;
  serviceAccountName?: string;
  serviceAccount?: string;
  automountServiceAccountToken?: boolean;
  nodeName?: string;
  hostNetwork?: boolean; hostPID?: boolean; hostIPC?: boolean;
  securityContext?: Record<string, unknown>;
  imagePullSecrets?: { name?: string }[];
  hostname?: string;
  subdomain?: string;
  affinity?: Record<string, unknown>;
  schedulerName?: string;
  tolerations?: Toleration[];
  priorityClassName?: string;
  priority?: number;
  preemptionPolicy?: string;
  readinessGates?: { conditionType?: string }[];
  enableServiceLinks?: boolean;
  schedulingGates?: { name?: string }[];
  [other: string]: unknown;
}

export interface PodTemplateSpec {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; name?: string; [k: string]: unknown };
  spec?: PodSpec;
}

export interface ContainerStateTerminated { exitCode?: number; signal?: number; reason?: string; finishedAt?: string }
export interface ContainerStatus {
  name?: string; ready?: boolean; started?: boolean; restartCount?: number;
  state?: { waiting?: { reason?: string }; running?: { startedAt?: string }; terminated?: ContainerStateTerminated };
  lastState?: { terminated?: ContainerStateTerminated };
}
export interface PodCondition { type?: string; status?: string; reason?: string; message?: string; lastTransitionTime?: string }
export interface PodStatus {
  phase?: string; reason?: string; message?: string; qosClass?: string; nominatedNodeName?: string;
  podIP?: string; podIPs?: { ip?: string }[]; hostIP?: string;
  conditions?: PodCondition[]; containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[];
  [other: string]: unknown;
}
