import type { EdgeStrength, Reason } from '../api/types';

/** Codes of the reason naming a partner's chain link and its strength (DESIGN §10). */
const LINK_CODES: Record<string, EdgeStrength> = { CORE_LINK: 'core', SUPPORTING_LINK: 'supporting' };

/**
 * Splits a match's reasons into the one naming its chain link (shown with the strength tag) and
 * the others (shown as the reason list); a match stored before strengths existed has no link.
 */
export function splitLinkReason(
  reasons: readonly Reason[],
  strength?: EdgeStrength | null,
): { strength: EdgeStrength | null; link: Reason | null; others: Reason[] } {
  const link = reasons.find((r) => r.code in LINK_CODES) ?? null;
  return {
    strength: strength ?? (link ? LINK_CODES[link.code] : null),
    link,
    others: reasons.filter((r) => r !== link),
  };
}

/** The link sentence without its closing strength tag, which the UI shows as a tag of its own. */
export function linkSentence(text: string): string {
  return text.replace(/\s*(（(核心|一般)配套）|\((core|supporting) link\))$/, '');
}
