// One rule for server and UI (DESIGN §6): the web build imports the server's pure file, as for USCCs.
export {
  MILESTONE_FACTS,
  MILESTONE_FACT_FIELDS,
  checkFactDate,
  fundsTotal,
  requiredFacts,
} from '../../../../libs/leads/lead-milestones';
export type { FundsEntry, MilestoneFact } from '../../../../libs/leads/lead-milestones';
import { requiredFacts, type MilestoneFact } from '../../../../libs/leads/lead-milestones';
import type { Stage } from './stages';

/** The facts a lead (or a form) has, by field; absent or null: not recorded. */
export type FactValues = Partial<Record<MilestoneFact, string | number | null | undefined>>;

/**
 * The facts to ask for before moving a lead to `to` (or creating it there): those of every
 * milestone up to `to` that the lead does not carry yet. Empty: the move needs nothing more.
 */
export function factsToAsk(to: Stage, have: FactValues = {}): MilestoneFact[] {
  return requiredFacts(to).filter((f) => have[f] === null || have[f] === undefined || have[f] === '');
}
