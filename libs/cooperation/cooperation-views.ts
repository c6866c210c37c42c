import { cityDay } from '../common/city-time';
import type { Jurisdiction } from '../common/request-context';
import { ActionField, ActionStatus, ActionUnit, ReportStatus, deadlineOf } from './action-item';
import type { ActionItemDto, ActionItemReportDto, ActionPlanDto, MeetingDto } from './cooperation.dto';
import type { MeetingDecision, MeetingKind } from './meeting';

/**
 * Rows of the cooperation tables and how every channel shows them (API, changes feed, webhooks).
 * Both cities read everything here (DESIGN §15), so there is one view for every reader.
 */
const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

export interface ActionPlanRow {
  id: string;
  title: string;
  period_from: string;
  period_to: string;
  created_by_jurisdiction: Jurisdiction;
  version: number;
  created_at: Date | string;
  item_count?: number | string;
}

export function toActionPlan(r: ActionPlanRow): ActionPlanDto {
  return {
    id: r.id,
    title: r.title,
    periodFrom: r.period_from,
    periodTo: r.period_to,
    createdByJurisdiction: r.created_by_jurisdiction,
    itemCount: Number(r.item_count ?? 0),
    version: r.version,
    createdAt: iso(r.created_at)!,
  };
}

export interface ActionItemRow {
  id: string;
  plan_id: string;
  code: string;
  title: string;
  scope: string;
  field: ActionField;
  key_task_year: number | null;
  units: ActionUnit[];
  due_at: string;
  status: ActionStatus;
  progress: number;
  progress_by: Partial<Record<Jurisdiction, number>>;
  lead_ids: string[];
  event_ids: string[];
  park_ids: string[];
  meeting_id: string | null;
  created_by_jurisdiction: Jurisdiction;
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
}

export function toActionItem(r: ActionItemRow, today = cityDay()): ActionItemDto {
  return {
    id: r.id,
    planId: r.plan_id,
    code: r.code,
    title: r.title,
    scope: r.scope,
    field: r.field,
    keyTaskYear: r.key_task_year,
    units: r.units.map((u) => ({
      jurisdiction: u.jurisdiction,
      unit: u.unit,
      contactUserId: u.contactUserId ?? null,
    })),
    dueAt: r.due_at,
    status: r.status,
    progress: r.progress,
    progressBy: r.progress_by,
    deadline: deadlineOf({ dueAt: r.due_at, status: r.status }, today),
    leadIds: r.lead_ids,
    eventIds: r.event_ids,
    parkIds: r.park_ids,
    meetingId: r.meeting_id,
    version: r.version,
    updatedAt: iso(r.updated_at)!,
  };
}

export interface ActionItemReportRow {
  id: string;
  item_id: string;
  jurisdiction: Jurisdiction;
  author_name: string;
  progress: number;
  status: ReportStatus | null;
  text: string;
  reported_at: Date | string;
}

export function toReport(r: ActionItemReportRow): ActionItemReportDto {
  return {
    id: r.id,
    jurisdiction: r.jurisdiction,
    author: r.author_name,
    progress: r.progress,
    status: r.status,
    text: r.text,
    reportedAt: iso(r.reported_at)!,
  };
}

export interface MeetingRow {
  id: string;
  kind: MeetingKind;
  title: string | null;
  held_at: Date | string;
  place: string;
  host: string;
  attendees: string[];
  agenda: string[];
  decisions: MeetingDecision[];
  created_by_jurisdiction: Jurisdiction;
  version: number;
  updated_at: Date | string;
}

export function toMeeting(r: MeetingRow): MeetingDto {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    heldAt: iso(r.held_at)!,
    place: r.place,
    host: r.host,
    attendees: r.attendees,
    agenda: r.agenda,
    decisions: r.decisions.map((d) => ({ text: d.text, actionItemId: d.actionItemId ?? null })),
    createdByJurisdiction: r.created_by_jurisdiction,
    version: r.version,
    updatedAt: iso(r.updated_at)!,
  };
}
