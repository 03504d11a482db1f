/** HTTP server: routing, health, lifecycle. */
export { AtollServer, type Handler } from './server.js';
export { parseConfig, ConfigError, USAGE, type ServerConfig } from './config.js';
export { createLogger } from './logger.js';
export { adminKubeconfig, KUBECONFIG_FILE } from './kubeconfig.js';
