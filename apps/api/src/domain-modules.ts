import type { Type } from '@nestjs/common';

/**
 * The domain modules the API serves (leads, base data, matching, sync, …). Each domain adds its
 * module here; the foundation above (config, identity, platform, taxonomy) is always present.
 */
export const DOMAIN_MODULES: Type<unknown>[] = [];
