import { InitialSchema1764201600000 } from './1764201600000-initial-schema';
import { Leads1764201700000 } from './1764201700000-leads';
import { BaseData1764201800000 } from './1764201800000-base-data';
import { Matching1764201900000 } from './1764201900000-matching';
import { Webhooks1764202000000 } from './1764202000000-webhooks';
import { MatchChangeLogPerStatement1764202100000 } from './1764202100000-MatchChangeLogPerStatement';
import { SyncWritePath1764202200000 } from './1764202200000-sync-write-path';
import { LeadSearchWalk1764202300000 } from './1764202300000-lead-search-walk';
import { SyncPushPath1764202400000 } from './1764202400000-sync-push-path';
import { ChainEdgeStrength1764330000000 } from './1764330000000-chain-edge-strength';

/** Every migration, in order. A new migration is added here (no glob: works from ts and js alike). */
export const MIGRATIONS = [InitialSchema1764201600000, Leads1764201700000, BaseData1764201800000, Matching1764201900000, Webhooks1764202000000, MatchChangeLogPerStatement1764202100000, SyncWritePath1764202200000, LeadSearchWalk1764202300000, SyncPushPath1764202400000, ChainEdgeStrength1764330000000];
