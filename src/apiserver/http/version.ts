// /version as a v1.32 kube-apiserver answers it. The kubectl dispatcher picks its binary from `minor`.
export const VERSION_INFO = {
  major: '1', minor: '32', emulationMajor: '1', emulationMinor: '32', minCompatibilityMajor: '1', minCompatibilityMinor: '31',
  gitVersion: 'v1.32.4', gitCommit: '59526cd4867447956156ae3a602fcbac5ed2f9b5', gitTreeState: 'clean',
  buildDate: '2025-04-22T16:00:00Z', goVersion: 'go1.23.6', compiler: 'gc', platform: 'linux/amd64',
};
