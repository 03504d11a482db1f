/**
 * `/version`. The minor version matters: the kubectl on this machine is a dispatcher that runs
 * the bundled kubectl matching the server's minor, so Atoll reports the Kubernetes API level it
 * implements.
 */
export const KUBE_VERSION = { major: '1', minor: '32', patch: '0' };

export function versionInfo(): object {
  return {
    major: KUBE_VERSION.major,
    minor: KUBE_VERSION.minor,
    gitVersion: `v${KUBE_VERSION.major}.${KUBE_VERSION.minor}.${KUBE_VERSION.patch}+atoll`,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '',
    goVersion: '',
    compiler: 'node',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
