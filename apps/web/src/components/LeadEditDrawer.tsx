import { Alert, App, Button, Card, Col, Drawer, Form, Radio, Row, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import { leads as leadsApi } from '../api/endpoints';
import type { Lead } from '../api/types';
import { useI18n } from '../i18n/context';
import { describeError, formFieldErrors } from '../lib/errors';
import {
  type EditConflict,
  type EditField,
  type EditValues,
  changedFields,
  editConflicts,
  leadToEdit,
  normalise,
  patchBody,
  resolveConflicts,
} from '../lib/lead-edit';
import { validateLeadForm } from '../lib/lead-form';
import { MILESTONE_FACT_FIELDS, requiredFacts } from '../lib/milestones';
import { useAuditValue } from './AuditChanges';
import {
  clearFixedErrors,
  fieldPath,
  LeadContactFields,
  LeadMainFields,
  preventEnterSubmit,
} from './LeadFields';
import { MilestoneFactFields } from './MilestoneFacts';
import { useUnsavedWarning } from './common';

/** EditValues → the form's values (dates as dayjs for the pickers; `nextAction` is the picker's name). */
function formValuesOf(v: EditValues): Record<string, unknown> {
  const d = (s: string | null) => (s ? dayjs(s) : undefined);
  return {
    ...v,
    nextAction: d(v.nextActionAt),
    signedAt: d(v.signedAt),
    startedAt: d(v.startedAt),
    operatingAt: d(v.operatingAt),
    contacts: v.contacts,
  };
}

/** The form's values in the normal form of lib/lead-edit. */
function editValuesOf(form: Record<string, unknown>): EditValues {
  return normalise({ ...form, nextActionAt: form.nextAction } as never);
}

/** Form errors the server names (investor.name → investorName, as on the new-lead form). */
const formErrorName = (name: (string | number)[]) =>
  name[0] === 'investor'
    ? [`investor${String(name[1] ?? 'name').replace(/^./, (c) => c.toUpperCase())}`]
    : name;

interface Conflict {
  /** The version the choices are saved against, and its values. */
  current: Lead;
  theirs: EditValues;
  /** What the user started from and what they have now. */
  base: EditValues;
  mine: EditValues;
  items: EditConflict[];
  choice: Partial<Record<EditField, 'mine' | 'theirs'>>;
}

/**
 * The lead's edit form (DESIGN §4–6): every field the caller may change, the milestone facts
 * and the summary for the partner city, saved with If-Match. When someone else saved first
 * (412), the fields they changed are listed next to the user's edit, each to keep or to take.
 */
export function LeadEditDrawer(props: {
  lead: Lead;
  open: boolean;
  onClose: () => void;
  onSaved: (lead: Lead) => void;
}) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [base, setBase] = useState<EditValues>(() => leadToEdit(props.lead));
  const [version, setVersion] = useState(props.lead.version);
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  useUnsavedWarning(props.open && dirty);
  const stageForFacts = props.lead.stage;
  const needed = requiredFacts(stageForFacts, props.lead.resumeStage ?? null);
  const facts = MILESTONE_FACT_FIELDS.filter((f) => needed.includes(f) || (props.lead[f] ?? null) !== null);

  useEffect(() => {
    if (!props.open) return;
    const start = leadToEdit(props.lead);
    setBase(start);
    setVersion(props.lead.version);
    setConflict(null);
    setError(null);
    setDirty(false);
    form.resetFields();
    form.setFieldsValue(formValuesOf(start));
    // Only when the drawer opens: a reload of the page behind must not wipe the user's edit.
  }, [props.open]);

  const validate = (values: never) =>
    validateLeadForm({ ...(values as object), stage: stageForFacts }, locale);

  const send = async (values: EditValues, fields: EditField[], against: number, from: EditValues) => {
    if (!fields.length) {
      message.info(t('noChanges'));
      props.onClose();
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const saved = await leadsApi.patch(props.lead.id, against, patchBody(values, fields));
      setDirty(false);
      setConflict(null);
      message.success(t('saved'));
      props.onSaved(saved);
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        // Someone saved first: what did they change, next to what the user changed?
        const current = await leadsApi.get(props.lead.id);
        const theirs = leadToEdit(current);
        const items = editConflicts(from, values, theirs);
        const choice: Conflict['choice'] = {};
        for (const c of items) choice[c.field] = c.both ? 'mine' : 'theirs';
        setConflict({ current, theirs, base: from, mine: values, items, choice });
      } else {
        const fieldErrors = formFieldErrors(locale, e).map((f) => ({ ...f, name: formErrorName(f.name) }));
        if (fieldErrors.length) form.setFields(fieldErrors as never);
        setError(describeError(locale, e));
      }
    } finally {
      setSaving(false);
    }
  };

  const save = async () => {
    const raw = form.getFieldsValue(true) as Record<string, unknown>;
    const local = validate(raw as never);
    if (Object.keys(local).length) {
      form.setFields(
        Object.entries(local).map(([f, msg]) => ({ name: fieldPath(f), errors: [msg] })) as never,
      );
      setError(Object.values(local).join('；'));
      return;
    }
    const mine = editValuesOf(raw);
    await send(mine, changedFields(base, mine), version, base);
  };

  const saveChoices = async () => {
    if (!conflict) return;
    const { values, fields } = resolveConflicts(
      conflict.base,
      conflict.mine,
      conflict.theirs,
      conflict.choice,
    );
    // The choices are the user's edit now, against the version they were shown.
    setBase(conflict.theirs);
    setVersion(conflict.current.version);
    form.setFieldsValue(formValuesOf(values));
    await send(values, fields, conflict.current.version, conflict.theirs);
  };

  return (
    <Drawer
      open={props.open}
      onClose={props.onClose}
      title={`${t('editLead')} · ${props.lead.title}`}
      size="large"
      styles={{ wrapper: { maxWidth: '100vw' } }}
      destroyOnHidden={false}
      data-testid="lead-edit"
      extra={
        <Space>
          <Button onClick={props.onClose}>{t('cancel')}</Button>
          {!conflict && (
            <Button type="primary" loading={saving} onClick={() => void save()} data-testid="save-edit">
              {t('save')}
            </Button>
          )}
        </Space>
      }
    >
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 12 }} />}
      {conflict && (
        <ConflictPanel
          conflict={conflict}
          saving={saving}
          onChoose={(field, pick) =>
            setConflict({ ...conflict, choice: { ...conflict.choice, [field]: pick } })
          }
          onSave={() => void saveChoices()}
        />
      )}
      <Form
        form={form}
        layout="vertical"
        aria-label={t('editLead')}
        onKeyDown={preventEnterSubmit}
        onFinish={() => void save()}
        onValuesChange={() => {
          setDirty(true);
          clearFixedErrors(form, validate, locale, setError);
        }}
        style={conflict ? { opacity: 0.6 } : undefined}
        disabled={!!conflict}
      >
        <LeadMainFields alwaysPartnerSummary />
        {facts.length > 0 && (
          <Card
            title={t('milestoneFacts')}
            size="small"
            style={{ marginBottom: 16 }}
            data-testid="edit-facts-card"
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
        <Card title={t('contacts')} size="small">
          <LeadContactFields />
        </Card>
      </Form>
    </Drawer>
  );
}

function ConflictPanel(props: {
  conflict: Conflict;
  saving: boolean;
  onChoose: (field: EditField, pick: 'mine' | 'theirs') => void;
  onSave: () => void;
}) {
  const { t, locale } = useI18n();
  const show = useAuditValue();
  const colon = locale === 'zh' ? '：' : ': ';
  const { conflict } = props;
  const fieldName = (f: EditField) =>
    f === 'investorName'
      ? 'investor.name'
      : f === 'investorUscc'
        ? 'investor.uscc'
        : f === 'investorCountry'
          ? 'investor.country'
          : f;
  const val = (f: EditField, v: unknown) =>
    f === 'sharing' ? show('sharing', v ? 'shared' : 'private') : show(fieldName(f), v);
  return (
    <Alert
      type="warning"
      showIcon
      role="alert"
      data-testid="edit-conflict"
      style={{ marginBottom: 16 }}
      title={t('editConflictTitle', { who: t('someoneElse'), version: conflict.current.version })}
      description={
        <>
          <Typography.Paragraph style={{ marginBottom: 8 }}>{t('editConflictHint')}</Typography.Paragraph>
          <div data-testid="conflict-list">
            {conflict.items.map((c) => (
              <div
                key={c.field}
                data-testid={`conflict-${c.field}`}
                style={{ borderTop: '1px solid #f0e0b0', padding: '8px 0' }}
              >
                <Typography.Text strong>{t(c.label)}</Typography.Text>
                <Row gutter={12} style={{ marginTop: 4 }}>
                  <Col xs={24} sm={12}>
                    <Typography.Text type="secondary">
                      {t('yourEdit')}
                      {colon}
                    </Typography.Text>
                    <span data-testid={`mine-${c.field}`}>
                      {val(c.field, c.mine)}
                      {!c.both && <Typography.Text type="secondary"> {t('notEditedByYou')}</Typography.Text>}
                    </span>
                  </Col>
                  <Col xs={24} sm={12}>
                    <Typography.Text type="secondary">
                      {t('theirValue')}
                      {colon}
                    </Typography.Text>
                    <span data-testid={`theirs-${c.field}`}>{val(c.field, c.theirs)}</span>
                  </Col>
                </Row>
                <Radio.Group
                  size="small"
                  style={{ marginTop: 6 }}
                  value={conflict.choice[c.field]}
                  onChange={(e) => props.onChoose(c.field, e.target.value as 'mine' | 'theirs')}
                  data-testid={`choice-${c.field}`}
                  options={[
                    { value: 'mine', label: t('keepMine') },
                    { value: 'theirs', label: t('takeTheirs') },
                  ]}
                  optionType="button"
                  buttonStyle="solid"
                />
              </div>
            ))}
          </div>
          <Button
            type="primary"
            style={{ marginTop: 12 }}
            loading={props.saving}
            onClick={props.onSave}
            data-testid="save-choices"
          >
            {t('saveChoices')}
          </Button>
        </>
      }
    />
  );
}
