/**
 * Object metadata, selectors and name syntax: the vocabulary every layer shares (like
 * k8s.io/apimachinery). Depends on nothing else in Atoll.
 */
export * from './object.js';
export * from './validation.js';
export * from './label-selector.js';
export * from './field-selector.js';
export * from './openapi.js';
export * from './tracing.js';
export * from './duration.js';
export * from './nesting.js';
export * from './listen-url.js';
