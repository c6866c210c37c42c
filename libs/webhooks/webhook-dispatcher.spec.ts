import { webhookData } from './webhook-dispatcher';

describe('webhookData (the body partner systems receive)', () => {
  it('carries the entity and the public detail of the event', () => {
    expect(webhookData('collision', { id: 'c1' }, { leadIds: ['a', 'b'] })).toEqual({
      collision: { id: 'c1' },
      leadIds: ['a', 'b'],
    });
    expect(webhookData('lead', { id: 'l1' }, null)).toEqual({ lead: { id: 'l1' } });
  });

  it('never carries whom the lead was assigned to inside Liancheng', () => {
    expect(webhookData('lead', { id: 'l1' }, { assignedTo: 'user-1', fields: ['ownerId'] })).toEqual({
      lead: { id: 'l1' },
      fields: ['ownerId'],
    });
  });
});
