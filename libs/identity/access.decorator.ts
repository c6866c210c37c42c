import { SetMetadata } from '@nestjs/common';
import type { Role, Scope } from '../common/request-context';

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

/** Who may call a route. The guard applies it; the tenant scope comes from the request context. */
export const Access = (rule: AccessRule) => SetMetadata(ACCESS_KEY, rule);
