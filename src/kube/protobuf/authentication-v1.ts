/**
 * authentication.k8s.io/v1 TokenRequest (`kubectl create token`), SelfSubjectReview
 * (`kubectl auth whoami`) and TokenReview (what token-checking proxies send). Field numbers are facts
 * from k8s.io/api authentication/v1/generated.proto. The proto names BoundObjectReference's
 * uid `uID`; only the number matters on the wire, so we name it by its JSON name.
 */
import { msg, special, type GroupDef } from './schema.js';

export const authenticationV1: GroupDef = {
  package: 'k8s.io.api.authentication.v1',
  apiVersion: 'authentication.k8s.io/v1',
  kinds: ['TokenRequest', 'SelfSubjectReview', 'TokenReview'],
  messages: {
    TokenRequest: msg({ metadata: '1 meta.ObjectMeta', spec: '2 TokenRequestSpec', status: '3 TokenRequestStatus' }),
    // Go: audiences, expirationSeconds and boundObjectRef have no omitempty (nil → null).
    TokenRequestSpec: msg({
      audiences: '1 []string keep',
      expirationSeconds: '4 *int64 keep',
      boundObjectRef: '3 *BoundObjectReference keep',
    }),
    TokenRequestStatus: msg({ token: '1 string keep', expirationTimestamp: '2 meta.Time' }),
    BoundObjectReference: msg({ kind: '1 string', apiVersion: '2 string', name: '3 string', uid: '4 string' }),
    TokenReview: msg({ metadata: '1 meta.ObjectMeta', spec: '2 TokenReviewSpec', status: '3 TokenReviewStatus' }),
    TokenReviewSpec: msg({ token: '1 string', audiences: '2 []string' }),
    TokenReviewStatus: msg({ authenticated: '1 bool', user: '2 UserInfo', audiences: '4 []string', error: '3 string' }),
    SelfSubjectReview: msg({ metadata: '1 meta.ObjectMeta', status: '2 SelfSubjectReviewStatus' }),
    SelfSubjectReviewStatus: msg({ userInfo: '1 UserInfo' }),
    UserInfo: msg({ username: '1 string', uid: '2 string', groups: '3 []string', extra: '4 map<string,ExtraValue>' }),
    // Go's `type ExtraValue []string`: a list of strings in JSON.
    ExtraValue: special('stringList', { items: '1 []string' }),
  },
};
