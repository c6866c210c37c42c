/**
 * The investor name rules live with the lead (libs/leads/investor-name.ts: a lead's
 * `investor_norm` is written from them); migration 1764305000000 imports them from here.
 */
export * from '../leads/investor-name';
