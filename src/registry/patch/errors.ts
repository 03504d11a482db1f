/**
 * The errors a PATCH body can earn, shaped as the apiserver answers them (k8s.io/apiserver
 * pkg/endpoints/handlers/patch.go and k8s.io/apimachinery pkg/util/mergepatch/errors.go):
 *
 * - a JSON patch that does not apply (failed `test`, missing path, bad op) is a 422 Invalid with
 *   the generic text "the server rejected our request due to an error in our request" and empty
 *   details (NewGenericServerResponse drops the real reason). Clients match on that exact body, so
 *   the wire shape stays generic; the real reason rides along as `Error.cause` for logs.
 * - bodies that do not decode, and the strategic patch format errors the apiserver lists in
 *   interpretStrategicMergePatchError, are 400 BadRequest with the library's text.
 * - strategic patch errors the apiserver leaves untyped (it answers them with a 500) are client
 *   mistakes, so Atoll answers 400 with the same text.
 */
import { ApiError } from '../errors.js';
import { show } from './json.js';

export const GENERIC_INVALID = 'the server rejected our request due to an error in our request';

/** 422 Invalid exactly as Kubernetes sends it; `reason` is kept off the wire. */
export function rejected(reason: string): ApiError {
  const err = new ApiError('Invalid', GENERIC_INVALID, {});
  err.cause = reason;
  return err;
}

export const badRequest = (message: string): ApiError => new ApiError('BadRequest', message);

/** What a strategic merge patch can get wrong, with apimachinery's wording. */
export const smpErrors = {
  badPrimitiveList: (): ApiError => badRequest('invalid patch format of primitive list'),
  badRetainKeys: (): ApiError => badRequest('invalid patch format of retainKeys'),
  badSetElementOrder: (): ApiError => badRequest('invalid patch format of setElementOrder list'),
  /** apiserver maps ErrNoListOfLists to the generic 422. */
  listOfLists: (): ApiError => rejected('lists of lists are not supported'),
  noMergeKey: (element: unknown, key: string): ApiError =>
    badRequest(`map: ${show(element)} does not contain declared merge key: ${key}`),
  unknownDirective: (directive: unknown, map: unknown): ApiError =>
    badRequest(`unknown patch type: ${show(directive)} in map: ${show(map)}`),
  mergeListDirective: (): ApiError => badRequest('merging lists cannot yet be specified in the patch'),
  noMergeKeyDeclared: (path: string): ApiError => badRequest(`cannot merge lists without merge key for ${path}`),
  deleteWithoutKey: (path: string): ApiError =>
    badRequest(`$patch: delete needs a list merged by key, but ${path} is not merged by key`),
  mixedList: (path: string): ApiError => badRequest(`list element types are not identical: ${path}`),
  orderMismatch: (list: unknown, order: unknown): ApiError =>
    badRequest(`The order in patch list:\n${show(list)}\n doesn't match $setElementOrder list:\n${show(order)}\n`),
  notAList: (path: string, value: unknown): ApiError =>
    badRequest(`expected a list for ${path}, but received ${show(value)}`),
};
