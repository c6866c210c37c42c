import { InitialSchema1764201600000 } from './1764201600000-initial-schema';
import { Leads1764201700000 } from './1764201700000-leads';
import { BaseData1764201800000 } from './1764201800000-base-data';
import { Matching1764201900000 } from './1764201900000-matching';
import { Webhooks1764202000000 } from './1764202000000-webhooks';
import { MatchChangeLogPerStatement1764202100000 } from './1764202100000-MatchChangeLogPerStatement';
import { SyncWritePath1764202200000 } from './1764202200000-sync-write-path';
import { LeadSearchWalk1764202300000 } from './1764202300000-lead-search-walk';
import { SyncPushPath1764202400000 } from './1764202400000-sync-push-path';
import { LeadMatchVersion1764300000000 } from './1764300000000-lead-match-version';
import { MilestoneFacts1764301000000 } from './1764301000000-milestone-facts';
import { InvestorCores1764305000000 } from './1764305000000-investor-cores';
import { Agreements1764305100000 } from './1764305100000-agreements';
import { InstanceSettings1764310000000 } from './1764310000000-instance-settings';
import { SessionRevocation1764310100000 } from './1764310100000-session-revocation';
import { IdempotentReplayHeaders1764310200000 } from './1764310200000-idempotent-replay-headers';
import { RateLimitCounters1764320000000 } from './1764320000000-rate-limit-counters';
import { ChainEdgeStrength1764330000000 } from './1764330000000-chain-edge-strength';
import { RematchNewAlgorithm1764331000000 } from './1764331000000-rematch-new-algorithm';
import { Cooperation1764360000000 } from './1764360000000-cooperation';
import { LeadArchiveAssign1764350000000 } from './1764350000000-lead-archive-assign';
import { PromotionEvents1764370000000 } from './1764370000000-promotion-events';
import { SpreadsheetImports1764380000000 } from './1764380000000-spreadsheet-imports';
import { Notifications1764390000000 } from './1764390000000-notifications';

/** Every migration, in order. A new migration is added here (no glob: works from ts and js alike). */
export const MIGRATIONS = [
  InitialSchema1764201600000,
  Leads1764201700000,
  BaseData1764201800000,
  Matching1764201900000,
  Webhooks1764202000000,
  MatchChangeLogPerStatement1764202100000,
  SyncWritePath1764202200000,
  LeadSearchWalk1764202300000,
  SyncPushPath1764202400000,
  LeadMatchVersion1764300000000,
  MilestoneFacts1764301000000,
  InvestorCores1764305000000,
  Agreements1764305100000,
  InstanceSettings1764310000000,
  SessionRevocation1764310100000,
  IdempotentReplayHeaders1764310200000,
  RateLimitCounters1764320000000,
  ChainEdgeStrength1764330000000,
  RematchNewAlgorithm1764331000000,
  Cooperation1764360000000,
  LeadArchiveAssign1764350000000,
  PromotionEvents1764370000000,
  SpreadsheetImports1764380000000,
  Notifications1764390000000,
];
