import { notifies } from '../events/events.service';
import { NOTIFICATION_RULES } from './notification-rules';
import { NOTIFICATION_TYPES, renderNotification } from './notification-types';

describe('notification types (DESIGN §18)', () => {
  const params = {
    leadTitle: '锐能电池项目',
    otherJurisdiction: 'mianyang',
    count: 3,
    decision: 'accepted',
    kind: 'collision.resolve',
    proposedBy: 'mianyang',
    due: '2026-12-01',
  };

  it('reads every type in Chinese and in English, with its facts', () => {
    for (const type of NOTIFICATION_TYPES) {
      const zh = renderNotification(type, params);
      const en = renderNotification(type, params, 'en');
      expect(zh.title).not.toBe(type);
      expect(en.title).not.toBe(type);
      expect(zh.title).toMatch(/[\u4e00-\u9fff]/);
      expect(en.title).not.toMatch(/[\u4e00-\u9fff]/);
    }
    expect(renderNotification('collision', params).body).toBe(
      '本地线索《锐能电池项目》与绵阳市的线索为同一投资方。',
    );
    expect(renderNotification('matches_ready', params, 'en').body).toContain('3 new match(es)');
    expect(renderNotification('match_decided', params).body).toContain('采纳');
    expect(renderNotification('agreement_waiting', params).body).toBe('绵阳市提出「撞单处理」，需本市确认。');
    expect(renderNotification('next_action_due', params).body).toContain('2026-12-01');
  });

  it('queues a notification job only for events that may concern someone, each with a rule', () => {
    for (const type of [
      'collision.detected',
      'match.proposed',
      'match.decided',
      'activity.created',
      'agreement.proposed',
    ] as const) {
      expect(notifies({ type })).toBe(true);
      expect(NOTIFICATION_RULES[type]).toBeDefined();
    }
    expect(notifies({ type: 'lead.created' })).toBe(false);
    expect(
      notifies({ type: 'lead.updated', detail: { assignedTo: '00000000-0000-4000-8000-000000000001' } }),
    ).toBe(true);
    expect(NOTIFICATION_RULES['lead.updated']).toBeDefined();
    expect(notifies({ type: 'lead.stage_changed' })).toBe(false);
    expect(notifies({ type: 'agreement.decided' })).toBe(false);
  });
});
