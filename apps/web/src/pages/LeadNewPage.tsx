import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Input,
  InputNumber,
  List,
  Result,
  Row,
  Select,
  Space,
  Switch,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { leads } from '../api/endpoints';
import type { CollisionHit, Lead } from '../api/types';
import { CityTag, SegmentPicker, useUnsavedWarning } from '../components/common';
import { EventPicker } from '../components/EventPicker';
import { MilestoneFactFields } from '../components/MilestoneFacts';
import { UsccInput, useUsccFeedback } from '../components/UsccInput';
import { useI18n } from '../i18n/context';
import { describeError, formFieldErrors } from '../lib/errors';
import { type LeadFormValues, formFacts, toLeadBody, validateLeadForm } from '../lib/lead-form';
import { FORWARD_STAGES } from '../lib/stages';

/** crypto.randomUUID needs a secure context; plain-http intranet deployments fall back to getRandomValues. */
function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(
    '',
  );
}

const SOURCES = ['referral', 'event', 'inbound', 'research', 'other'];

export default function LeadNewPage() {
  const { t, locale, stage, enumLabel } = useI18n();
  const [form] = Form.useForm<LeadFormValues & { nextAction?: { toISOString(): string } }>();
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<(Lead & { collisions: CollisionHit[] }) | null>(null);
  // A new key per lead: a retried save of the same form replays instead of creating a duplicate.
  const idempotencyKey = useMemo(() => (saved ? newKey() : newKey()), [saved]);
  const uscc = Form.useWatch('investorUscc', form);
  const confidential = Form.useWatch('confidential', form);
  const source = Form.useWatch('source', form) as string | undefined;
  const chosenStage = Form.useWatch('stage', form) as string | undefined;
  // DESIGN §6: a lead created at or past a milestone brings its facts.
  const facts = formFacts({ stage: chosenStage });
  const feedback = useUsccFeedback(uscc);
  useUnsavedWarning(dirty);

  const submit = async () => {
    const values = form.getFieldsValue(true) as LeadFormValues & {
      nextAction?: { toISOString(): string } | null;
    };
    const local = validateLeadForm(values, locale);
    if (Object.keys(local).length) {
      form.setFields(
        Object.entries(local).map(([f, msg]) => ({
          name: f.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
          errors: [msg],
        })) as never,
      );
      setError(Object.values(local).join('；'));
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const body = toLeadBody({
        ...values,
        nextActionAt: values.nextAction ? values.nextAction.toISOString() : null,
      });
      const lead = await leads.create(body, idempotencyKey);
      setDirty(false);
      setSaved(lead);
    } catch (e) {
      const fields = formFieldErrors(locale, e).map((f) => ({
        ...f,
        name:
          f.name[0] === 'investor'
            ? [`investor${String(f.name[1] ?? 'name').replace(/^./, (c) => c.toUpperCase())}`]
            : f.name,
      }));
      if (fields.length) form.setFields(fields as never);
      setError(describeError(locale, e));
    } finally {
      setSaving(false);
    }
  };

  if (saved) {
    const hits = saved.collisions ?? [];
    return (
      <Card>
        <Result
          status={hits.length ? 'warning' : 'success'}
          title={t('savedLead')}
          subTitle={saved.title}
          extra={[
            <Link key="open" to={`/leads/${saved.id}`}>
              <Button type="primary">{t('viewLead')}</Button>
            </Link>,
            <Button
              key="again"
              onClick={() => {
                form.resetFields();
                setSaved(null);
              }}
            >
              {t('newLead')}
            </Button>,
          ]}
        />
        {hits.length ? (
          <Alert
            type="warning"
            showIcon
            role="alert"
            data-testid="collision-alert"
            title={t('collisionFound')}
            description={
              <List
                size="small"
                dataSource={hits}
                renderItem={(c) => (
                  <List.Item>
                    {t('otherCity')}: <CityTag city={c.otherJurisdiction} /> {t('basis')}:{' '}
                    {enumLabel(c.basis)} · {t('similarity')}: {Math.round(c.similarity * 100)}% ·{' '}
                    {t('firstReportedBy')}: <CityTag city={c.firstReportedBy} />
                  </List.Item>
                )}
              />
            }
          />
        ) : (
          <Alert type="success" showIcon title={t('collisionNone')} />
        )}
      </Card>
    );
  }

  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('newLead')}
      </Typography.Title>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Form
        form={form}
        layout="vertical"
        onValuesChange={() => setDirty(true)}
        onFinish={submit}
        initialValues={{
          stage: 'lead',
          source: 'referral',
          sharing: false,
          confidential: false,
          contacts: [],
        }}
        aria-label={t('newLead')}
      >
        <Card style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Form.Item name="title" label={t('title')} required>
                <Input id="title" maxLength={200} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name="segments" label={t('segments')} required>
                <SegmentPicker id="segments" />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="investorName" label={t('investorName')} required>
                <Input id="investorName" maxLength={200} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                name="investorUscc"
                label={t('uscc')}
                validateStatus={feedback.status}
                help={feedback.help}
                hasFeedback={!!feedback.status}
              >
                <UsccInput id="investorUscc" />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="investorCountry" label={t('country')}>
                <Input id="investorCountry" placeholder="CN" />
              </Form.Item>
            </Col>
            <Col xs={24}>
              <Form.Item name="summary" label={t('summary')}>
                <Input.TextArea id="summary" rows={3} maxLength={4000} />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item name="plannedInvestmentWan" label={t('plannedInvestment')}>
                <InputNumber id="plannedInvestmentWan" min={0} style={{ width: '100%' }} suffix={t('wan')} />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item name="landNeedMu" label={t('landNeed')}>
                <InputNumber id="landNeedMu" min={0} style={{ width: '100%' }} suffix={t('mu')} />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item name="expectedJobs" label={t('expectedJobs')}>
                <InputNumber id="expectedJobs" min={0} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item name="stage" label={t('stage')}>
                <Select id="stage" options={FORWARD_STAGES.map((s) => ({ value: s, label: stage(s) }))} />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item name="source" label={t('source')}>
                <Select id="source" options={SOURCES.map((s) => ({ value: s, label: enumLabel(s) }))} />
              </Form.Item>
            </Col>
            {source === 'event' && (
              <Col xs={24} md={12}>
                <Form.Item name="eventId" label={t('leadEvent')}>
                  <EventPicker id="eventId" />
                </Form.Item>
              </Col>
            )}
            <Col xs={12} md={6}>
              <Form.Item name="nextAction" label={t('nextActionAt')}>
                <DatePicker id="nextAction" showTime style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={8} md={4}>
              <Form.Item name="sharing" label={t('shared')} valuePropName="checked">
                <Switch id="sharing" />
              </Form.Item>
            </Col>
            <Col xs={8} md={3}>
              <Form.Item name="confidential" label={t('confidential')} valuePropName="checked">
                <Switch id="confidential" />
              </Form.Item>
            </Col>
            {confidential && (
              <Col xs={8} md={5}>
                <Form.Item name="codeName" label={t('codeName')} required>
                  <Input id="codeName" maxLength={100} />
                </Form.Item>
              </Col>
            )}
            {confidential && (
              <Col xs={24}>
                <Form.Item name="partnerSummary" label={t('partnerSummary')} extra={t('partnerSummaryHint')}>
                  <Input.TextArea id="partnerSummary" rows={2} maxLength={4000} />
                </Form.Item>
              </Col>
            )}
          </Row>
        </Card>
        {facts.length > 0 && (
          <Card
            title={t('milestoneFacts')}
            size="small"
            style={{ marginBottom: 16 }}
            data-testid="new-lead-facts"
            extra={
              <Typography.Text type="secondary">
                {t('factsNeededCreate', { stage: stage(chosenStage ?? '') })}
              </Typography.Text>
            }
          >
            <Row gutter={16}>
              {facts.map((f) => (
                <Col key={f} xs={24} md={f === 'projectUscc' ? 12 : 6}>
                  <MilestoneFactFields facts={[f]} />
                </Col>
              ))}
            </Row>
          </Card>
        )}
        <Card title={t('contacts')} size="small" style={{ marginBottom: 16 }}>
          <Form.List name="contacts">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field) => (
                  <Space key={field.key} align="baseline" wrap>
                    <Form.Item name={[field.name, 'name']} label={t('contactName')}>
                      <Input />
                    </Form.Item>
                    <Form.Item name={[field.name, 'title']} label={t('contactTitle')}>
                      <Input />
                    </Form.Item>
                    <Form.Item name={[field.name, 'phone']} label={t('phone')}>
                      <Input />
                    </Form.Item>
                    <Form.Item name={[field.name, 'email']} label={t('email')}>
                      <Input type="email" />
                    </Form.Item>
                    <MinusCircleOutlined aria-label={t('delete')} onClick={() => remove(field.name)} />
                  </Space>
                ))}
                <Button type="dashed" onClick={() => add({})} icon={<PlusOutlined />}>
                  {t('addContact')}
                </Button>
              </>
            )}
          </Form.List>
        </Card>
        <Button type="primary" htmlType="submit" loading={saving} size="large" data-testid="save-lead">
          {t('save')}
        </Button>
      </Form>
    </>
  );
}
