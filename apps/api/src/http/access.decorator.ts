import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiErrors } from './api-responses';
import type { Role, Scope } from '../../../../libs/common/request-context';

export const PUBLIC_KEY = 'lc:public';
export const ACCESS_KEY = 'lc:access';

/** No credentials needed (login, health, metrics, docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export interface AccessRule {
  /** Users with one of these roles pass. Omitted: every signed-in user. */
  roles?: Role[];
  /** API keys holding all of these scopes pass. Omitted: API keys are refused (403). */
  scopes?: Scope[];
}

/**
 * Who may call a route. The guard applies it; the tenant scope comes from the request context.
 * A rule that can refuse someone (a role, a scope, or no API keys) documents the 403.
 */
export const Access = (rule: AccessRule) => {
  const refuses = !!rule.roles || !rule.scopes || rule.scopes.length > 0;
  return applyDecorators(SetMetadata(ACCESS_KEY, rule), ...(refuses ? [ApiErrors(403)] : []));
};
