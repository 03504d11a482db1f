/**
 * rbac.authorization.k8s.io/v1 RoleBinding and ClusterRoleBinding: grant a role to subjects.
 * `roleRef` cannot change once the binding exists (a new grant is a new binding, so nobody's
 * permissions silently change under an old name); subjects can.
 */
import { z } from 'zod';
import type { KubeObject } from '../../meta/index.js';
import type { FieldError } from '../errors.js';
import type { PrinterColumn } from '../resource-type.js';
import { checkSchema } from '../schema-check.js';
import { ageColumn, nameColumn } from './columns.js';
import { builtin, kindSchema, sameValue } from './common.js';
import {
  defaultBinding,
  RBAC_GROUP,
  roleRefSchema,
  subjectNames,
  subjectSchema,
  validateRoleRef,
  validateSubject,
  type RoleRef,
  type Subject,
} from './rbac-rules.js';

const schema = kindSchema({
  subjects: z.array(subjectSchema).nullable().optional(),
  roleRef: roleRefSchema,
});

function validator(namespaced: boolean) {
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  return (o: KubeObject) => {
    const check = checkSchema(schema, o);
    if (check.errors.length) return check;
    check.errors.push(...validateRoleRef(o.roleRef as RoleRef, kinds));
    ((o.subjects as Subject[] | null | undefined) ?? []).forEach((s, i) => check.errors.push(...validateSubject(s, namespaced, `subjects[${i}]`)));
    return check;
  };
}

function validateUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  return sameValue(o.roleRef, old.roleRef) ? [] : [{ type: 'FieldValueInvalid', field: 'roleRef', value: o.roleRef, detail: 'cannot change roleRef' }];
}

function prepare(o: KubeObject): void {
  defaultBinding(o);
}

/** NAME, ROLE, AGE, then the subjects with -o wide: AGE sits in the middle, so the table is spelled out. */
const columns: PrinterColumn[] = [
  nameColumn,
  {
    name: 'Role',
    type: 'string',
    description: 'The role granted, as kind/name.',
    priority: 0,
    cell: (o) => {
      const ref = (o.roleRef ?? {}) as RoleRef;
      return `${ref.kind ?? ''}/${ref.name ?? ''}`;
    },
  },
  ageColumn,
  { name: 'Users', type: 'string', description: 'Users the role is granted to.', priority: 1, cell: (o) => subjectNames(o, 'User') },
  { name: 'Groups', type: 'string', description: 'Groups the role is granted to.', priority: 1, cell: (o) => subjectNames(o, 'Group') },
  {
    name: 'ServiceAccounts',
    type: 'string',
    description: 'Service accounts (namespace/name) the role is granted to.',
    priority: 1,
    cell: (o) => subjectNames(o, 'ServiceAccount'),
  },
];

export const roleBindings = builtin(
  { group: RBAC_GROUP, version: 'v1', resource: 'rolebindings', kind: 'RoleBinding', namespaced: true, nameRule: 'path-segment', hasStatus: false, generation: false, columns },
  { validate: validator(true), validateUpdate, prepareForCreate: prepare, prepareForUpdate: prepare },
);

export const clusterRoleBindings = builtin(
  {
    group: RBAC_GROUP,
    version: 'v1',
    resource: 'clusterrolebindings',
    kind: 'ClusterRoleBinding',
    namespaced: false,
    nameRule: 'path-segment',
    hasStatus: false,
    generation: false,
    columns,
  },
  { validate: validator(false), validateUpdate, prepareForCreate: prepare, prepareForUpdate: prepare },
);
