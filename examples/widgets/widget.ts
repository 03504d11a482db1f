/**
 * The Widget resource. Its TypeScript types are generated from schema.graphql into widget-types.ts
 * (`npx atoll export types examples/widgets/schema.graphql --sdk-module ../../src/sdk/index.js`).
 */
import type { ResourceRef } from '../../src/sdk/index.js';

export type { Widget, WidgetSpec, WidgetStatus } from './widget-types.js';

export const WIDGETS: ResourceRef = { group: 'widgets.example.dev', version: 'v1', resource: 'widgets' };

/** The fields the GraphQL transport selects (it returns only what is asked for). */
export const WIDGET_SELECTION = 'metadata { name namespace uid resourceVersion generation annotations finalizers deletionTimestamp } spec { size color tags } status { observedGeneration ready size color summary }';
