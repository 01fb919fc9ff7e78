// The Status the stream protocols send on their error channel when a command ends.
// Upstream: staging/src/k8s.io/client-go/tools/remotecommand (v4 error decoder),
// pkg/kubelet/cri/streaming/remotecommand/httpstream.go (writeStatus)
export interface StreamStatus {
  metadata: Record<string, never>; status: 'Success' | 'Failure';
  message?: string; reason?: string; details?: { causes: Array<{ reason: string; message: string }> };
}

export function exitStatus(code: number, command: string[]): StreamStatus {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {}, status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

export function failureStatus(message: string, reason = 'InternalError'): StreamStatus {
  return { metadata: {}, status: 'Failure', message, reason };
}
