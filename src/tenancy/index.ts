/** Tenancy: logical clusters and (with the workspaces issue) the workspace tree. */
export * from './root.js';
export * from './resolver.js';
