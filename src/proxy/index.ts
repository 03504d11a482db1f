export { PathIndex, type Route } from '../shards/index.js';
export { FrontProxy, type FrontProxyOptions } from './front-proxy.js';
export { asAuthenticated, ProxyAuthentication, type ProxyAuthenticationOptions } from './authentication.js';
export { forward, forwardUpgrade, forwardedHeaders, refuseUpgradeSocket, sendUnavailable, statusBody, type ForwardTarget, type Upstream } from './forward.js';
