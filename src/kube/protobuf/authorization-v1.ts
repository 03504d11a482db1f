/**
 * authorization.k8s.io/v1 access reviews (`kubectl auth can-i`, `--list`). Field numbers are
 * facts from k8s.io/api authorization/v1/generated.proto, including the 1.31+ field and label
 * selector attributes; JSON shape from types.go.
 */
import { msg, special, type GroupDef } from './schema.js';

export const authorizationV1: GroupDef = {
  package: 'k8s.io.api.authorization.v1',
  apiVersion: 'authorization.k8s.io/v1',
  kinds: ['SelfSubjectAccessReview', 'SubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectRulesReview'],
  messages: {
    SelfSubjectAccessReview: msg({
      metadata: '1 meta.ObjectMeta',
      spec: '2 SelfSubjectAccessReviewSpec',
      status: '3 SubjectAccessReviewStatus',
    }),
    SubjectAccessReview: msg({ metadata: '1 meta.ObjectMeta', spec: '2 SubjectAccessReviewSpec', status: '3 SubjectAccessReviewStatus' }),
    LocalSubjectAccessReview: msg({
      metadata: '1 meta.ObjectMeta',
      spec: '2 SubjectAccessReviewSpec',
      status: '3 SubjectAccessReviewStatus',
    }),
    SelfSubjectRulesReview: msg({ metadata: '1 meta.ObjectMeta', spec: '2 SelfSubjectRulesReviewSpec', status: '3 SubjectRulesReviewStatus' }),
    SelfSubjectAccessReviewSpec: msg({ resourceAttributes: '1 *ResourceAttributes', nonResourceAttributes: '2 *NonResourceAttributes' }),
    SubjectAccessReviewSpec: msg({
      resourceAttributes: '1 *ResourceAttributes',
      nonResourceAttributes: '2 *NonResourceAttributes',
      user: '3 string',
      groups: '4 []string',
      extra: '5 map<string,ExtraValue>',
      uid: '6 string',
    }),
    // Go's `type ExtraValue []string`: a list of strings in JSON.
    ExtraValue: special('stringList', { items: '1 []string' }),
    ResourceAttributes: msg({
      namespace: '1 string',
      verb: '2 string',
      group: '3 string',
      version: '4 string',
      resource: '5 string',
      subresource: '6 string',
      name: '7 string',
      fieldSelector: '8 *FieldSelectorAttributes',
      labelSelector: '9 *LabelSelectorAttributes',
    }),
    FieldSelectorAttributes: msg({ rawSelector: '1 string', requirements: '2 []meta.FieldSelectorRequirement' }),
    LabelSelectorAttributes: msg({ rawSelector: '1 string', requirements: '2 []meta.LabelSelectorRequirement' }),
    NonResourceAttributes: msg({ path: '1 string', verb: '2 string' }),
    SubjectAccessReviewStatus: msg({
      allowed: '1 bool keep',
      denied: '4 bool',
      reason: '2 string',
      evaluationError: '3 string',
    }),
    SelfSubjectRulesReviewSpec: msg({ namespace: '1 string' }),
    SubjectRulesReviewStatus: msg({
      resourceRules: '1 []ResourceRule keep',
      nonResourceRules: '2 []NonResourceRule keep',
      incomplete: '3 bool keep',
      evaluationError: '4 string',
    }),
    ResourceRule: msg({
      verbs: '1 []string keep',
      apiGroups: '2 []string',
      resources: '3 []string',
      resourceNames: '4 []string',
    }),
    NonResourceRule: msg({ verbs: '1 []string keep', nonResourceURLs: '2 []string' }),
  },
};
