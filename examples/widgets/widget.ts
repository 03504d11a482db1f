/** The Widget's TypeScript type, as schema.graphql declares it (hand-written until codegen emits it). */
import type { KubeObject, ResourceRef } from '../../src/sdk/index.js';

export type Color = 'red' | 'blue';

export interface WidgetSpec {
  size?: number;
  color?: Color;
  tags?: string[];
}

export interface WidgetStatus {
  observedGeneration?: number;
  ready?: boolean;
  size?: number;
  color?: Color;
  summary?: string;
}

export interface Widget extends KubeObject {
  spec: WidgetSpec;
  status?: WidgetStatus;
}

export const WIDGETS: ResourceRef = { group: 'widgets.example.dev', version: 'v1', resource: 'widgets' };

/** The fields the GraphQL transport selects (it returns only what is asked for). */
export const WIDGET_SELECTION = 'metadata { name namespace uid resourceVersion generation annotations finalizers deletionTimestamp } spec { size color tags } status { observedGeneration ready size color summary }';
