import { AccordError } from '../errors.js';

export type RegistryErrorCode =
  | 'AUTH_REQUIRED'
  | 'TOKEN_INVALID'
  | 'FORBIDDEN'
  | 'ORG_NOT_FOUND'
  | 'ORG_SLUG_TAKEN'
  | 'USER_NOT_FOUND'
  | 'USER_EMAIL_TAKEN'
  | 'TOKEN_NOT_FOUND'
  | 'INVITATION_NOT_FOUND'
  | 'INVITATION_EXPIRED'
  | 'INVITATION_USED'
  | 'PLEDGE_NOT_FOUND'
  | 'PLEDGE_SLUG_TAKEN'
  | 'KEY_NOT_FOUND'
  | 'KEY_INVALID'
  | 'KEY_NAMESPACE_TAKEN'
  | 'APPLICATION_NOT_FOUND'
  | 'APPLICATION_STATE'
  | 'ALREADY_SPONSORED'
  | 'NOT_A_MEMBER'
  | 'ALREADY_VOTED'
  | 'VOTING_CLOSED'
  | 'VOTING_OPEN'
  | 'LAST_ADMIN'
  | 'ALREADY_INITIALISED';

/** Errors of the signatory registry and access control. */
export class RegistryError extends AccordError<RegistryErrorCode> {}
