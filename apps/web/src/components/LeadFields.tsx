import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Col, DatePicker, Form, Input, InputNumber, Row, Select, Space, Switch } from 'antd';
import type { FormInstance } from 'antd';
import type { KeyboardEvent } from 'react';
import { useI18n } from '../i18n/context';
import type { Locale } from '../i18n/dict';
import { FORWARD_STAGES } from '../lib/stages';
import { SegmentPicker } from './common';
import { EventPicker } from './EventPicker';
import { UsccInput, useUsccFeedback } from './UsccInput';

export const LEAD_SOURCES = ['referral', 'event', 'inbound', 'partner_system', 'research', 'other'];

/**
 * Enter in a one-line field must not submit a half-filled form (the save button does): text
 * areas keep their new lines, buttons and pickers their own Enter.
 */
export function preventEnterSubmit(e: KeyboardEvent<HTMLFormElement>): void {
  const target = e.target as HTMLElement;
  if (
    e.key === 'Enter' &&
    target.tagName === 'INPUT' &&
    !(e.nativeEvent as { isComposing?: boolean }).isComposing
  )
    e.preventDefault();
}

/** Antd's name path of a form error key like `contacts.0.name`. */
export const fieldPath = (key: string) => key.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));

/**
 * Validation errors clear as soon as the field is fixed: after each change, the fields that show
 * an error are checked again with the form's own rules (`validate`), and the summary follows.
 */
export function clearFixedErrors(
  form: FormInstance,
  validate: (values: never, locale: Locale) => Record<string, string>,
  locale: Locale,
  onSummary: (summary: string | null) => void,
): void {
  const withErrors = form.getFieldsError().filter((f) => f.errors.length);
  if (!withErrors.length) return;
  const now = validate(form.getFieldsValue(true) as never, locale);
  form.setFields(
    withErrors.map((f) => {
      const key = f.name.join('.');
      return { name: f.name, errors: now[key] ? [now[key]] : [] };
    }) as never,
  );
  const left = form.getFieldsError().filter((f) => f.errors.length);
  onSummary(left.length ? left.map((f) => f.errors[0]).join('；') : null);
}

/**
 * The fields of a lead (DESIGN §4) shared by the new-lead form and the edit form: `withStage`
 * only when creating (an existing lead moves through its stage buttons, §6).
 */
export function LeadMainFields(props: { withStage?: boolean; alwaysPartnerSummary?: boolean }) {
  const { t, stage, enumLabel } = useI18n();
  const uscc = Form.useWatch('investorUscc') as string | undefined;
  const confidential = Form.useWatch('confidential') as boolean | undefined;
  const source = Form.useWatch('source') as string | undefined;
  const feedback = useUsccFeedback(uscc);
  const showPartnerSummary = props.alwaysPartnerSummary || confidential;
  return (
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
      {props.withStage && (
        <Col xs={12} md={6}>
          <Form.Item name="stage" label={t('stage')}>
            <Select id="stage" options={FORWARD_STAGES.map((s) => ({ value: s, label: stage(s) }))} />
          </Form.Item>
        </Col>
      )}
      <Col xs={12} md={6}>
        <Form.Item name="source" label={t('source')}>
          <Select
            id="source"
            options={LEAD_SOURCES.filter((s) => s !== 'partner_system' || !props.withStage).map((s) => ({
              value: s,
              label: enumLabel(s),
            }))}
          />
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
      {showPartnerSummary && (
        <Col xs={24}>
          <Form.Item name="partnerSummary" label={t('partnerSummary')} extra={t('partnerSummaryHint')}>
            <Input.TextArea id="partnerSummary" rows={2} maxLength={4000} />
          </Form.Item>
        </Col>
      )}
    </Row>
  );
}

/** The lead's contacts (personal data: never shown to the partner city, DESIGN §5). */
export function LeadContactFields() {
  const { t } = useI18n();
  return (
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
  );
}
