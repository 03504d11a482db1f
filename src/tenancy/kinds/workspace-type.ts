/**
 * tenancy.kcp.io/v1alpha1 WorkspaceType: what a workspace of that type may contain, where it may
 * be created, which initializers it waits for, and the type its children get by default. The
 * built-in types (root, universal, organization, team) live in root.
 */
import { z } from 'zod';
import type { KubeObject } from '../../meta/index.js';
import { builtin, checkSchema, kindSchema } from '../../registry/index.js';
import { tenancyComponents, TENANCY } from './openapi.js';
import { conditionList, typeReference, type TypeReference } from './workspace.js';

export interface WorkspaceTypeSpec {
  initializer?: boolean;
  terminator?: boolean;
  extend?: { with?: TypeReference[] };
  defaultChildWorkspaceType?: TypeReference;
  limitAllowedChildren?: { types?: TypeReference[]; none?: boolean };
  limitAllowedParents?: { types?: TypeReference[]; none?: boolean };
  /** APIExports every new workspace of the type binds (kcp's `system:apibindings` initializer); inherited through `extend.with`. */
  defaultAPIBindings?: { path?: string; export: string }[];
  defaultAPIBindingLifecycle?: 'InitializeOnly' | 'Maintain';
}

/** A workspace path in kcp's CRD pattern (a bad one would leave workspaces of the type initializing forever). */
const PATH = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(:[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const defaultBinding = z.strictObject({ path: z.string().regex(PATH, `should match '${PATH.source}'`).optional(), export: z.string().min(1) });

const limit = z.strictObject({ types: z.array(typeReference).optional(), none: z.boolean().optional() }).optional();

const schema = kindSchema({
  spec: z
    .strictObject({
      initializer: z.boolean().optional(),
      terminator: z.boolean().optional(),
      extend: z.strictObject({ with: z.array(typeReference).optional() }).optional(),
      defaultChildWorkspaceType: typeReference.optional(),
      limitAllowedChildren: limit,
      limitAllowedParents: limit,
      defaultAPIBindings: z.array(defaultBinding).optional(),
      defaultAPIBindingLifecycle: z.enum(['InitializeOnly', 'Maintain']).optional(),
    })
    .optional(),
  status: z.strictObject({ conditions: conditionList, virtualWorkspaces: z.array(z.record(z.string(), z.unknown())).optional() }).optional(),
});

export const typeSpecOf = (o: KubeObject): WorkspaceTypeSpec => (o.spec ?? {}) as WorkspaceTypeSpec;

export const workspaceTypes = builtin(
  {
    group: 'tenancy.kcp.io',
    version: 'v1alpha1',
    resource: 'workspacetypes',
    kind: 'WorkspaceType',
    namespaced: false,
    nameRule: 'label',
    hasStatus: true,
    categories: ['kcp'],
    schema: { name: `${TENANCY}WorkspaceType`, components: tenancyComponents },
  },
  { validate: (o) => checkSchema(schema, o) },
);
