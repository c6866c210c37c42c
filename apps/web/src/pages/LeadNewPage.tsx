import { Alert, Button, Card, Col, Form, List, Result, Row, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { leads } from '../api/endpoints';
import type { CollisionHit, Lead } from '../api/types';
import { CityTag, useUnsavedWarning } from '../components/common';
import {
  clearFixedErrors,
  fieldPath,
  LeadContactFields,
  LeadMainFields,
  preventEnterSubmit,
} from '../components/LeadFields';
import { MilestoneFactFields } from '../components/MilestoneFacts';
import { useI18n } from '../i18n/context';
import { describeError, formFieldErrors } from '../lib/errors';
import { type LeadFormValues, formFacts, toLeadBody, validateLeadForm } from '../lib/lead-form';

/** crypto.randomUUID needs a secure context; plain-http intranet deployments fall back to getRandomValues. */
function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(
    '',
  );
}

export default function LeadNewPage() {
  const { t, locale, stage, enumLabel } = useI18n();
  const [form] = Form.useForm<LeadFormValues & { nextAction?: { toISOString(): string } }>();
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<(Lead & { collisions: CollisionHit[] }) | null>(null);
  // A new key per lead: a retried save of the same form replays instead of creating a duplicate.
  const idempotencyKey = useMemo(() => (saved ? newKey() : newKey()), [saved]);
  const chosenStage = Form.useWatch('stage', form) as string | undefined;
  // DESIGN §6: a lead created at or past a milestone brings its facts.
  const facts = formFacts({ stage: chosenStage });
  useUnsavedWarning(dirty);

  const submit = async () => {
    const values = form.getFieldsValue(true) as LeadFormValues & {
      nextAction?: { toISOString(): string } | null;
    };
    const local = validateLeadForm(values, locale);
    if (Object.keys(local).length) {
      form.setFields(
        Object.entries(local).map(([f, msg]) => ({ name: fieldPath(f), errors: [msg] })) as never,
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
        onValuesChange={() => {
          setDirty(true);
          clearFixedErrors(form, validateLeadForm, locale, (summary) => setError(summary));
        }}
        onKeyDown={preventEnterSubmit}
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
          <LeadMainFields withStage />
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
          <LeadContactFields />
        </Card>
        <Button type="primary" htmlType="submit" loading={saving} size="large" data-testid="save-lead">
          {t('save')}
        </Button>
      </Form>
    </>
  );
}
