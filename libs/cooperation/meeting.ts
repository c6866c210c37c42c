/** Joint meetings (联席会议, DESIGN §15). */
export const MEETING_KINDS = ['leading_group', 'party_government', 'deputy_coordination'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];
export const MEETING_KIND_NAMES: Record<MeetingKind, string> = {
  leading_group: '产业协同招商领导小组联席会议',
  party_government: '党政联席会议',
  deputy_coordination: '常务副区（市）长协调会议',
};

/** One decision of a meeting; `actionItemId` once it became an item of the plan. */
export interface MeetingDecision {
  text: string;
  actionItemId: string | null;
}
