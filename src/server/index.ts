/** HTTP server: routing, health, lifecycle. */
export { AtollServer, type Handler } from './server.js';
export { parseConfig, ConfigError, USAGE, type ServerConfig } from './config.js';
export { createLogger } from './logger.js';
export { KUBECONFIG_FILE } from './kubeconfig.js';
export { DEFAULT_AUTH_SETTINGS, type AuthSettings } from './auth.js';
