/** The Kubernetes REST compatibility surface. */
export { kubeHandler, type KubeHandlerDeps } from './handler.js';
export { versionInfo, KUBE_VERSION } from './version.js';
export { parseRequestInfo } from './request-info.js';
