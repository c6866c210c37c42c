import { InitialSchema1764201600000 } from './1764201600000-initial-schema';
import { BaseData1764201800000 } from './1764201800000-base-data';

/** Every migration, in order. A new migration is added here (no glob: works from ts and js alike). */
export const MIGRATIONS = [InitialSchema1764201600000, BaseData1764201800000];
