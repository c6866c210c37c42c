import { Alert, DatePicker, Form, Input, InputNumber, Modal, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import type { Lead } from '../api/types';
import { useI18n } from '../i18n/context';
import type { DictKey } from '../i18n/dict';
import { describeError, formFieldErrors } from '../lib/errors';
import { type MilestoneFact, checkFactDate } from '../lib/milestones';
import { UsccInput, useUsccFeedback } from './UsccInput';

/** The label of each fact on forms and in the lead's details. */
export const FACT_LABELS: Record<MilestoneFact, DictKey> = {
  signedAt: 'signedAt',
  contractAmountWan: 'contractAmount',
  projectUscc: 'projectUscc',
  startedAt: 'startedAt',
  operatingAt: 'operatingAt',
};

const DATE_FACTS = new Set<MilestoneFact>(['signedAt', 'startedAt', 'operatingAt']);
export const DAY = 'YYYY-MM-DD';

/** Form values of facts → the API's: days as YYYY-MM-DD, USCC upper-case, empty left out. */
export function factsBody(
  values: Record<string, unknown>,
  facts: readonly MilestoneFact[],
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of facts) {
    const v = values[f];
    if (v === undefined || v === null || v === '') continue;
    if (DATE_FACTS.has(f)) body[f] = typeof v === 'string' ? v : (v as Dayjs).format(DAY);
    else if (f === 'projectUscc') body[f] = String(v).trim().toUpperCase();
    else body[f] = v;
  }
  return body;
}

/** A lead's facts as form values (days as dayjs, for the date pickers). */
export function factsInitial(lead: Partial<Lead>, facts: readonly MilestoneFact[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of facts) {
    const v = lead[f];
    if (v === null || v === undefined) continue;
    out[f] = DATE_FACTS.has(f) ? dayjs(String(v)) : v;
  }
  return out;
}

function ProjectUsccItem() {
  const { t } = useI18n();
  const value = Form.useWatch('projectUscc') as string | undefined;
  const feedback = useUsccFeedback(value);
  return (
    <Form.Item
      name="projectUscc"
      label={t('projectUscc')}
      required
      validateStatus={feedback.status}
      help={feedback.help}
      hasFeedback={!!feedback.status}
      rules={[{ required: true, message: t('required', { field: t('projectUscc') }) }]}
    >
      <UsccInput id="projectUscc" />
    </Form.Item>
  );
}

/** The form items of `facts` (inside an antd Form), each required: the stage needs them. */
export function MilestoneFactFields({ facts }: { facts: readonly MilestoneFact[] }) {
  const { t } = useI18n();
  return (
    <>
      {facts.map((f) => {
        if (f === 'projectUscc') return <ProjectUsccItem key={f} />;
        const label = t(FACT_LABELS[f]);
        if (f === 'contractAmountWan')
          return (
            <Form.Item
              key={f}
              name={f}
              label={label}
              rules={[{ required: true, message: t('required', { field: label }) }]}
            >
              <InputNumber id={f} min={0} precision={2} style={{ width: '100%' }} suffix={t('wan')} />
            </Form.Item>
          );
        return (
          <Form.Item
            key={f}
            name={f}
            label={label}
            rules={[{ required: true, message: t('mustPickDate', { field: label }) }]}
          >
            <DatePicker
              id={f}
              style={{ width: '100%' }}
              disabledDate={(d) => checkFactDate(d.format(DAY)) !== null}
              placeholder={DAY}
            />
          </Form.Item>
        );
      })}
    </>
  );
}

/**
 * A dialog asking for milestone facts (a stage move on the detail page or the board, or an edit
 * of the facts). `onSubmit` gets the API body; field errors the server names (400/422) stay in
 * the dialog next to their fields; any other error is the caller's to report.
 */
export function FactsDialog(props: {
  open: boolean;
  title: string;
  description?: string;
  facts: readonly MilestoneFact[];
  initial: Partial<Lead>;
  withNote?: boolean;
  okText?: string;
  onSubmit: (body: Record<string, unknown>) => Promise<void>;
  onCancel: () => void;
  onError?: (e: unknown) => void;
}) {
  const { t, locale } = useI18n();
  const [form] = Form.useForm();
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (props.open) setProblem(null);
  }, [props.open]);

  const submit = async () => {
    let values: Record<string, unknown>;
    try {
      values = await form.validateFields();
    } catch {
      return; // the fields show what is missing
    }
    setSaving(true);
    setProblem(null);
    try {
      const note = typeof values.note === 'string' && values.note.trim() ? { note: values.note.trim() } : {};
      await props.onSubmit({ ...factsBody(values, props.facts), ...note });
    } catch (e) {
      const fields = formFieldErrors(locale, e);
      if (
        fields.length &&
        fields.every((f) => props.facts.includes(f.name[0] as MilestoneFact) || f.name[0] === 'note')
      ) {
        form.setFields(fields as never);
        setProblem(describeError(locale, e));
      } else props.onError?.(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={props.open}
      title={props.title}
      okText={props.okText ?? t('save')}
      cancelText={t('cancel')}
      onOk={submit}
      onCancel={props.onCancel}
      confirmLoading={saving}
      destroyOnHidden
      data-testid="facts-dialog"
    >
      {props.description && <Typography.Paragraph type="secondary">{props.description}</Typography.Paragraph>}
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        aria-label={props.title}
        initialValues={factsInitial(props.initial, props.facts)}
      >
        <MilestoneFactFields facts={props.facts} />
        {props.withNote && (
          <Form.Item name="note" label={t('moveNote')}>
            <Input id="moveNoteDialog" maxLength={2000} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
