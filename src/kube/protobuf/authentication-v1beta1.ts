/**
 * authentication.k8s.io/v1beta1 SelfSubjectReview, which kubectl 1.27's `auth whoami` sends (as
 * protobuf only). The message is v1's: field numbers from k8s.io/api authentication/v1beta1
 * generated.proto, whose status holds the v1 UserInfo.
 */
import { msg, special, type GroupDef } from './schema.js';

export const authenticationV1beta1: GroupDef = {
  package: 'k8s.io.api.authentication.v1beta1',
  apiVersion: 'authentication.k8s.io/v1beta1',
  kinds: ['SelfSubjectReview'],
  messages: {
    SelfSubjectReview: msg({ metadata: '1 meta.ObjectMeta', status: '2 SelfSubjectReviewStatus' }),
    SelfSubjectReviewStatus: msg({ userInfo: '1 UserInfo' }),
    UserInfo: msg({ username: '1 string', uid: '2 string', groups: '3 []string', extra: '4 map<string,ExtraValue>' }),
    ExtraValue: special('stringList', { items: '1 []string' }),
  },
};
