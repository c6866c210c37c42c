import {
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ApiError } from '../api/client';
import { agreements as agreementsApi, enterprises as entApi, parks as parksApi } from '../api/endpoints';
import type { Agreement, Enterprise, Park } from '../api/types';
import { useAgreementActions } from '../components/agreements';
import { ExportButton } from '../components/ExportButton';
import {
  CityTag,
  EmptyState,
  ErrorAlert,
  fmtNumber,
  SegmentPicker,
  SegmentTags,
  useCursorList,
  useSession,
} from '../components/common';
import { useI18n } from '../i18n/context';
import { describeError, formFieldErrors } from '../lib/errors';

export default function BaseDataPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'parks' ? 'parks' : 'enterprises';
  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('baseData')}
      </Typography.Title>
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams(k === 'parks' ? { tab: 'parks' } : {})}
        items={[
          { key: 'enterprises', label: t('enterprises'), children: <EnterprisesTab /> },
          { key: 'parks', label: t('parks'), children: <ParksTab /> },
        ]}
      />
    </>
  );
}

function EnterprisesTab() {
  const { t, locale, enumLabel } = useI18n();
  const { message } = App.useApp();
  const user = useSession()!;
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const segment = params.get('segment') ?? undefined;
  const jurisdiction = params.get('jurisdiction') ?? undefined;
  const [editing, setEditing] = useState<Enterprise | null>(null);
  const [text, setText] = useState(q);
  const [form] = Form.useForm();

  const set = (k: string, v?: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next);
  };

  const fetchPage = useCallback(
    (after?: string) => entApi.list({ q, segment, jurisdiction, limit: 50, cursor: after }),
    [q, segment, jurisdiction],
  );
  const { items, cursor, error, load } = useCursorList(fetchPage);

  const open = async (e: Enterprise) => {
    try {
      const fresh = await entApi.get(e.id);
      setEditing(fresh);
      form.setFieldsValue(fresh);
    } catch (err) {
      message.error(describeError(locale, err));
    }
  };
  const save = async () => {
    const v = await form.validateFields();
    try {
      await entApi.patch(editing!.id, editing!.version, {
        name: v.name,
        segments: v.segments,
        chainLeader: !!v.chainLeader,
        revenueWan: v.revenueWan ?? undefined,
        employees: v.employees ?? undefined,
        address: v.address || undefined,
      });
      setEditing(null);
      await load();
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        message.warning(describeError(locale, err));
        await open(editing!);
        return;
      }
      form.setFields(formFieldErrors(locale, err) as never);
      message.error(describeError(locale, err));
    }
  };

  return (
    <Card size="small">
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          aria-label={t('search')}
          placeholder={t('name')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onSearch={(v) => set('q', v)}
          allowClear
          style={{ width: 240 }}
        />
        <div style={{ width: 220 }}>
          <SegmentPicker
            multiple={false}
            value={segment ? [segment] : []}
            onChange={(v) => set('segment', v[0])}
          />
        </div>
        <Select
          aria-label={t('city')}
          placeholder={t('city')}
          allowClear
          style={{ width: 110 }}
          value={jurisdiction}
          onChange={(v) => set('jurisdiction', v)}
          options={['beibei', 'mianyang'].map((c) => ({ value: c, label: enumLabel(c) }))}
        />
        <ExportButton list="enterprises" filters={{ q: q || undefined, segment, jurisdiction }} />
      </Space>
      <ErrorAlert error={error} />
      <Table<Enterprise>
        rowKey="id"
        size="small"
        loading={items === null && !error}
        dataSource={items ?? []}
        pagination={false}
        scroll={{ x: 900 }}
        locale={{ emptyText: <EmptyState /> }}
        columns={[
          {
            title: t('name'),
            dataIndex: 'name',
            render: (n, e) => (
              <>
                {n} {e.chainLeader && <Tag color="gold">{t('chainLeader')}</Tag>}
              </>
            ),
          },
          { title: t('city'), dataIndex: 'jurisdiction', render: (c) => <CityTag city={c} />, width: 80 },
          { title: t('segments'), dataIndex: 'segments', render: (s: string[]) => <SegmentTags codes={s} /> },
          {
            title: t('revenue'),
            dataIndex: 'revenueWan',
            align: 'right',
            render: (v) => fmtNumber(v),
            width: 120,
          },
          {
            title: t('employees'),
            dataIndex: 'employees',
            align: 'right',
            render: (v) => fmtNumber(v),
            width: 90,
          },
          {
            title: t('actions'),
            width: 80,
            render: (_, e) =>
              e.jurisdiction === user.jurisdiction ? (
                <Button size="small" onClick={() => open(e)}>
                  {t('edit')}
                </Button>
              ) : null,
          },
        ]}
      />
      {cursor && (
        <Button style={{ marginTop: 12 }} onClick={() => load(cursor)}>
          {t('loadMore')}
        </Button>
      )}
      <Modal
        open={!!editing}
        title={editing?.name}
        onOk={save}
        onCancel={() => setEditing(null)}
        okText={t('save')}
        cancelText={t('cancel')}
        destroyOnHidden
        forceRender
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="name"
            label={t('name')}
            rules={[{ required: true, message: t('required', { field: t('name') }) }]}
          >
            <Input />
          </Form.Item>
          <Form.Item
            name="segments"
            label={t('segments')}
            rules={[{ required: true, message: t('required', { field: t('segments') }) }]}
          >
            <SegmentPicker />
          </Form.Item>
          <Space>
            <Form.Item name="revenueWan" label={t('revenue')}>
              <InputNumber min={0} />
            </Form.Item>
            <Form.Item name="employees" label={t('employees')}>
              <InputNumber min={0} precision={0} />
            </Form.Item>
            <Form.Item name="chainLeader" label={t('chainLeader')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Space>
          <Form.Item name="address" label={t('address')}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

function ParksTab() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const user = useSession()!;
  const [items, setItems] = useState<Park[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<Park | null>(null);
  const [form] = Form.useForm();
  // Co-building (DESIGN §5, §14): admins propose, the other city's admin accepts.
  const isAdmin = user.role === 'admin';
  const [pending, setPending] = useState<Map<string, Agreement>>(new Map());
  const [proposing, setProposing] = useState<Park | null>(null);
  const [keep, setKeep] = useState<string>(user.jurisdiction);
  const load = useCallback(async () => {
    try {
      setItems((await parksApi.list({ limit: 200 })).items);
      if (user.role === 'admin' || user.role === 'manager') {
        const open = await agreementsApi.list({ status: 'pending', kind: 'park.jurisdictions', limit: 200 });
        setPending(new Map(open.items.map((a) => [a.subject.id, a])));
      }
    } catch (e) {
      setError(e);
    }
  }, [user.role]);
  const decide = useAgreementActions(load);
  const propose = async () => {
    const p = proposing!;
    try {
      await parksApi.proposeJurisdictions(p.id, p.coBuilt ? [keep] : ['beibei', 'mianyang']);
      message.success(t('proposalSent'));
      setProposing(null);
      await load();
    } catch (err) {
      message.error(describeError(locale, err));
    }
  };
  const coBuildCell = (p: Park) => {
    const a = pending.get(p.id);
    if (a)
      return (
        <Space orientation="vertical" size={4}>
          <Tag color={a.waitingOnMe ? 'orange' : 'blue'}>
            {t(a.waitingOnMe ? 'waitingMe' : 'waitingOther')}
          </Tag>
          <span style={{ fontSize: 12 }}>
            {t('coBuildTo')}:{' '}
            {((a.change.jurisdictions as string[]) ?? []).map((j) => (
              <CityTag key={j} city={j} />
            ))}
          </span>
          {isAdmin &&
            (a.waitingOnMe ? (
              <Space size={4}>
                <Button size="small" type="primary" onClick={() => decide(a.id, 'accept')}>
                  {t('agree')}
                </Button>
                <Button size="small" danger onClick={() => decide(a.id, 'decline')}>
                  {t('decline')}
                </Button>
              </Space>
            ) : (
              <Button size="small" onClick={() => decide(a.id, 'withdraw')}>
                {t('withdraw')}
              </Button>
            ))}
        </Space>
      );
    if (!isAdmin) return null;
    return (
      <Button
        size="small"
        onClick={() => {
          setKeep(user.jurisdiction);
          setProposing(p);
        }}
      >
        {t(p.coBuilt ? 'proposeEndCoBuild' : 'proposeCoBuild')}
      </Button>
    );
  };
  useEffect(() => {
    void load();
  }, [load]);
  const open = async (p: Park) => {
    const fresh = await parksApi.get(p.id).catch(() => p);
    setEditing(fresh);
    form.setFieldsValue(fresh);
  };
  const save = async () => {
    const v = await form.validateFields();
    try {
      await parksApi.patch(editing!.id, editing!.version, {
        targetSegments: v.targetSegments,
        availableLandMu: v.availableLandMu ?? undefined,
        factorySpaceSqm: v.factorySpaceSqm ?? undefined,
        incentives: v.incentives ?? undefined,
      });
      setEditing(null);
      await load();
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) await open(editing!);
      message.error(describeError(locale, err));
    }
  };
  const shown = (items ?? []).filter((p) => !q || p.name.toLowerCase().includes(q.toLowerCase()));
  return (
    <Card size="small">
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          aria-label={t('search')}
          placeholder={t('name')}
          allowClear
          onSearch={setQ}
          style={{ width: 240 }}
        />
        <ExportButton list="parks" filters={{}} />
      </Space>
      <ErrorAlert error={error} />
      <Table<Park>
        rowKey="id"
        size="small"
        loading={items === null && !error}
        dataSource={shown}
        pagination={false}
        locale={{ emptyText: <EmptyState /> }}
        columns={[
          {
            title: t('name'),
            dataIndex: 'name',
            render: (n, p) => (
              <>
                {n} {p.coBuilt && <Tag color="gold">{t('coBuilt')}</Tag>}
              </>
            ),
          },
          {
            title: t('city'),
            dataIndex: 'jurisdictions',
            render: (js: string[]) => js.map((j) => <CityTag key={j} city={j} />),
            width: 150,
          },
          {
            title: t('targetSegments'),
            dataIndex: 'targetSegments',
            render: (s: string[]) => <SegmentTags codes={s} />,
          },
          {
            title: t('availableLand'),
            dataIndex: 'availableLandMu',
            align: 'right',
            render: (v) => fmtNumber(v),
            width: 110,
          },
          {
            title: t('factorySpace'),
            dataIndex: 'factorySpaceSqm',
            align: 'right',
            render: (v) => fmtNumber(v),
            width: 120,
          },
          {
            title: t('coBuilt'),
            width: 190,
            render: (_, p) => coBuildCell(p),
          },
          {
            title: t('actions'),
            width: 80,
            render: (_, p) =>
              p.jurisdictions.includes(user.jurisdiction) ? (
                <Button size="small" onClick={() => open(p)}>
                  {t('edit')}
                </Button>
              ) : null,
          },
        ]}
      />
      <Modal
        open={!!proposing}
        title={
          proposing
            ? `${t(proposing.coBuilt ? 'proposeEndCoBuild' : 'proposeCoBuild')} · ${proposing.name}`
            : ''
        }
        onOk={propose}
        onCancel={() => setProposing(null)}
        okText={t('save')}
        cancelText={t('cancel')}
        destroyOnHidden
      >
        <Typography.Paragraph>{t('resolutionHintPark')}</Typography.Paragraph>
        {proposing?.coBuilt ? (
          <Form layout="vertical">
            <Form.Item label={t('keepJurisdiction')}>
              <Radio.Group
                value={keep}
                onChange={(e) => setKeep(e.target.value)}
                options={proposing.jurisdictions.map((j) => ({ value: j, label: <CityTag city={j} /> }))}
              />
            </Form.Item>
          </Form>
        ) : (
          <span>
            {t('coBuildTo')}: <CityTag city="beibei" /> <CityTag city="mianyang" />
          </span>
        )}
      </Modal>
      <Modal
        open={!!editing}
        title={editing?.name}
        onOk={save}
        onCancel={() => setEditing(null)}
        okText={t('save')}
        cancelText={t('cancel')}
        destroyOnHidden
        forceRender
      >
        <Form form={form} layout="vertical">
          <Form.Item name="targetSegments" label={t('targetSegments')}>
            <SegmentPicker />
          </Form.Item>
          <Space>
            <Form.Item name="availableLandMu" label={t('availableLand')}>
              <InputNumber min={0} />
            </Form.Item>
            <Form.Item name="factorySpaceSqm" label={t('factorySpace')}>
              <InputNumber min={0} />
            </Form.Item>
          </Space>
          <Form.Item name="incentives" label={t('incentives')}>
            <Input.TextArea rows={3} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
