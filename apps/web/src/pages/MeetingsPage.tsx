import { FileExcelOutlined, FileTextOutlined, FileWordOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Checkbox, Form, Input, Modal, Select, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { cooperation, type ActionPlan, type Meeting } from '../api/endpoints';
import { isManager } from '../api/session';
import { ErrorAlert, Loading, fmtDate, useSession } from '../components/common';
import { useI18n } from '../i18n/context';
import { describeError } from '../lib/errors';

const KINDS = ['leading_group', 'party_government', 'deputy_coordination'] as const;
const FIELDS = [
  'industry_investment',
  'park_building',
  'platform_sharing',
  'science_education',
  'major_strategy',
  'ecology',
  'promotion',
  'other',
];
const DEFAULT_UNITS = { beibei: '北碚区招商投资促进局', mianyang: '绵阳市投资促进局' };
const lines = (s: string | undefined) =>
  (s ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** Downloads the pack of a meeting as Word or Excel, with a message. */
export function usePackDownload() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  return async (meeting: Pick<Meeting, 'id' | 'title'>, format: 'docx' | 'xlsx') => {
    try {
      const name = await cooperation.download(meeting.id, format, meeting.title ?? 'meeting-pack');
      message.success(t('downloaded', { name }));
    } catch (e) {
      message.error(describeError(locale, e));
    }
  };
}

/** 联席会议 (DESIGN §15): the meetings, their decisions, and the meeting pack. */
export default function MeetingsPage() {
  const { t, enumLabel, locale } = useI18n();
  const user = useSession()!;
  const manager = isManager(user);
  const navigate = useNavigate();
  const { message } = App.useApp();
  const download = usePackDownload();
  const [meetings, setMeetings] = useState<Meeting[] | null>(null);
  const [plans, setPlans] = useState<ActionPlan[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [deciding, setDeciding] = useState<{ meeting: Meeting; index: number } | null>(null);
  const [meetingForm] = Form.useForm();
  const [itemForm] = Form.useForm();

  const load = useCallback(async () => {
    try {
      setMeetings(await cooperation.meetings());
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => {
    void load();
    cooperation
      .plans()
      .then(setPlans)
      .catch(() => undefined);
  }, [load]);

  const createMeeting = async () => {
    const v = await meetingForm.validateFields();
    try {
      await cooperation.createMeeting({
        kind: v.kind,
        title: v.title || undefined,
        heldAt: new Date(v.heldAt).toISOString(),
        place: v.place,
        host: v.host,
        attendees: lines(v.attendees),
        agenda: lines(v.agenda),
        decisions: lines(v.decisions),
      });
      message.success(t('meetingCreated'));
      setCreating(false);
      meetingForm.resetFields();
      await load();
    } catch (e) {
      message.error(describeError(locale, e));
    }
  };

  const toItem = async () => {
    if (!deciding) return;
    const v = await itemForm.validateFields();
    const units = (['beibei', 'mianyang'] as const)
      .filter((j) => v.cities?.includes(j))
      .map((j) => ({ jurisdiction: j, unit: (v[`unit_${j}`] as string).trim() }));
    try {
      const item = await cooperation.decisionToItem(deciding.meeting.id, deciding.index, {
        planId: v.planId,
        code: v.code,
        field: v.field,
        dueAt: v.dueAt,
        units,
      });
      message.success(`${t('itemCreated')}：${item.code}`);
      setDeciding(null);
      await load();
    } catch (e) {
      message.error(describeError(locale, e));
    }
  };

  if (error) return <ErrorAlert error={error} />;
  if (!meetings) return <Loading />;
  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('jointMeetings')}
        </Typography.Title>
        {manager && (
          <Button icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="new-meeting">
            {t('newMeeting')}
          </Button>
        )}
      </Space>
      {meetings.map((m) => (
        <Card
          key={m.id}
          size="small"
          style={{ marginBottom: 12 }}
          data-testid="meeting-card"
          title={
            <Space orientation="vertical" size={0} style={{ whiteSpace: 'normal' }}>
              <span>{m.title ?? enumLabel(m.kind)}</span>
              <span style={{ fontSize: 12, fontWeight: 'normal', color: '#888' }}>
                {enumLabel(m.kind)} · {fmtDate(m.heldAt)} · {m.place} · {m.host}
              </span>
            </Space>
          }
        >
          <Space wrap style={{ marginBottom: 8 }}>
            <Button
              type="primary"
              icon={<FileTextOutlined />}
              onClick={() => navigate(`/meetings/${m.id}/pack`)}
              data-testid="make-pack"
            >
              {t('makePack')}
            </Button>
            <Button icon={<FileWordOutlined />} onClick={() => download(m, 'docx')}>
              {t('downloadDocx')}
            </Button>
            <Button icon={<FileExcelOutlined />} onClick={() => download(m, 'xlsx')}>
              {t('downloadXlsx')}
            </Button>
          </Space>
          {m.agenda.length > 0 && (
            <Typography.Paragraph style={{ marginBottom: 4 }}>
              <b>{t('agenda')}：</b>
              {m.agenda.join('；')}
            </Typography.Paragraph>
          )}
          {m.attendees.length > 0 && (
            <Typography.Paragraph style={{ marginBottom: 4 }}>
              <b>{t('attendees')}：</b>
              {m.attendees.join('、')}
            </Typography.Paragraph>
          )}
          <Typography.Text strong>{t('decisions')}</Typography.Text>
          <div>
            {m.decisions.map((d, index) => (
              <div
                key={index}
                className="lc-decision"
                style={{
                  display: 'flex',
                  gap: 8,
                  alignItems: 'center',
                  justifyContent: 'space-between',
                  flexWrap: 'wrap',
                  padding: '6px 0',
                  borderBottom: '1px solid #f0f0f0',
                }}
              >
                <span style={{ flex: '1 1 240px' }}>
                  {index + 1}. {d.text}
                </span>
                {d.actionItemId ? (
                  <Link to={`/action-plan?item=${d.actionItemId}`}>
                    <Tag color="green">{t('becameItem', { code: '' }).trim()}</Tag>
                  </Link>
                ) : manager ? (
                  <Button
                    size="small"
                    onClick={() => setDeciding({ meeting: m, index })}
                    data-testid="to-action-item"
                  >
                    {t('toActionItem')}
                  </Button>
                ) : null}
              </div>
            ))}
          </div>
        </Card>
      ))}
      <Modal
        open={creating}
        title={t('newMeeting')}
        onOk={createMeeting}
        onCancel={() => setCreating(false)}
        okText={t('save')}
        cancelText={t('cancel')}
        destroyOnHidden
      >
        <Form form={meetingForm} layout="vertical" initialValues={{ kind: 'leading_group' }}>
          <Form.Item name="kind" label={t('meetingKind')} rules={[{ required: true }]}>
            <Select options={KINDS.map((k) => ({ value: k, label: enumLabel(k) }))} />
          </Form.Item>
          <Form.Item name="title" label={t('title')}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="heldAt" label={t('heldAt')} rules={[{ required: true }]}>
            <Input type="datetime-local" />
          </Form.Item>
          <Form.Item name="place" label={t('place')} rules={[{ required: true, whitespace: true }]}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="host" label={t('host')} rules={[{ required: true, whitespace: true }]}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="attendees" label={`${t('attendees')}（${t('onePerLine')}）`}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Form.Item name="agenda" label={`${t('agenda')}（${t('onePerLine')}）`}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Form.Item name="decisions" label={`${t('decisions')}（${t('onePerLine')}）`}>
            <Input.TextArea rows={3} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={!!deciding}
        title={t('toActionItem')}
        onOk={toItem}
        onCancel={() => setDeciding(null)}
        okText={t('save')}
        cancelText={t('cancel')}
        destroyOnHidden
      >
        {deciding && (
          <Typography.Paragraph>{deciding.meeting.decisions[deciding.index]?.text}</Typography.Paragraph>
        )}
        <Form
          form={itemForm}
          layout="vertical"
          initialValues={{
            planId: plans[0]?.id,
            field: 'industry_investment',
            cities: ['beibei', 'mianyang'],
            unit_beibei: DEFAULT_UNITS.beibei,
            unit_mianyang: DEFAULT_UNITS.mianyang,
          }}
        >
          <Form.Item name="planId" label={t('plan')} rules={[{ required: true }]}>
            <Select options={plans.map((p) => ({ value: p.id, label: p.title }))} />
          </Form.Item>
          <Space wrap>
            <Form.Item
              name="code"
              label={t('itemCode')}
              rules={[{ required: true, pattern: /^[0-9A-Za-z.-]{1,20}$/ }]}
            >
              <Input style={{ width: 100 }} placeholder="3.2" />
            </Form.Item>
            <Form.Item name="field" label={t('coopField')} rules={[{ required: true }]}>
              <Select
                style={{ width: 170 }}
                options={FIELDS.map((f) => ({ value: f, label: enumLabel(f) }))}
              />
            </Form.Item>
            <Form.Item name="dueAt" label={t('dueAt')} rules={[{ required: true }]}>
              <Input type="date" />
            </Form.Item>
          </Space>
          <Form.Item name="cities" label={t('units')} rules={[{ required: true, type: 'array', min: 1 }]}>
            <Checkbox.Group
              options={[
                { value: 'beibei', label: enumLabel('beibei') },
                { value: 'mianyang', label: enumLabel('mianyang') },
              ]}
            />
          </Form.Item>
          <Form.Item name="unit_beibei" label={`${enumLabel('beibei')} · ${t('unitName')}`}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="unit_mianyang" label={`${enumLabel('mianyang')} · ${t('unitName')}`}>
            <Input maxLength={100} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
