import { FileExcelOutlined, FileWordOutlined } from '@ant-design/icons';
import { Button, Card, Col, Row, Space, Statistic, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { cooperation, type MeetingPack } from '../api/endpoints';
import { Chart } from '../components/Chart';
import { EmptyState, ErrorAlert, Loading, fmtNumber } from '../components/common';
import { useI18n } from '../i18n/context';
import { usePackDownload } from './MeetingsPage';

type PackItem = MeetingPack['actionItems']['done'][number];
const CITY = { beibei: '北碚区', mianyang: '绵阳市' } as const;
const COLORS = ['#fa541c', '#1677ff'];

function ItemTable({ items, testId }: { items: PackItem[]; testId: string }) {
  return (
    <Table<PackItem>
      data-testid={testId}
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={items}
      scroll={{ x: 700 }}
      columns={[
        { title: '编号', dataIndex: 'code', width: 64 },
        { title: '事项', dataIndex: 'title' },
        { title: '领域', dataIndex: 'fieldName', width: 110 },
        { title: '责任单位', dataIndex: 'units', width: 200 },
        { title: '完成时限', dataIndex: 'dueAt', width: 105 },
        { title: '状态', dataIndex: 'statusName', width: 80 },
        { title: '进度', dataIndex: 'progress', width: 70, render: (p: number) => `${p}%` },
      ]}
    />
  );
}

/**
 * The meeting pack (会议材料) as a page: the same sections as the Word and Excel files (DESIGN
 * §15), in Chinese like them, with the charts drawn in the browser.
 */
export default function MeetingPackPage() {
  const { id } = useParams();
  const { t } = useI18n();
  const download = usePackDownload();
  const [pack, setPack] = useState<MeetingPack | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (id) cooperation.pack(id).then(setPack).catch(setError);
  }, [id]);
  if (error) return <ErrorAlert error={error} />;
  if (!pack) return <Loading />;
  const m = pack.meeting;
  const sum = (c: { beibei: number; mianyang: number }) => c.beibei + c.mianyang;
  const section = (title: string, body: React.ReactNode, note?: string) => (
    <Card size="small" title={title} style={{ marginBottom: 12 }}>
      {note && <Typography.Paragraph type="secondary">{note}</Typography.Paragraph>}
      {body}
    </Card>
  );
  const cityBars = (categories: string[], bb: number[], my: number[], ariaLabel: string) =>
    !categories.length || [...bb, ...my].every((v) => !v) ? (
      <EmptyState />
    ) : (
      <Chart
        ariaLabel={ariaLabel}
        style={{ height: 300 }}
        option={{
          color: COLORS,
          tooltip: { trigger: 'axis' },
          legend: { data: ['北碚区', '绵阳市'], bottom: 0 },
          grid: { left: 60, right: 16, top: 16, bottom: 48 },
          xAxis: { type: 'category', data: categories, axisLabel: { interval: 0 } },
          yAxis: { type: 'value' },
          series: [
            { name: '北碚区', type: 'bar', data: bb },
            { name: '绵阳市', type: 'bar', data: my },
          ],
        }}
      />
    );
  return (
    <div data-testid="meeting-pack">
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {m.title ?? pack.kindName}会议材料
        </Typography.Title>
        <Space wrap>
          <Button icon={<FileWordOutlined />} onClick={() => download(m, 'docx')} data-testid="download-docx">
            {t('downloadDocx')}
          </Button>
          <Button
            icon={<FileExcelOutlined />}
            onClick={() => download(m, 'xlsx')}
            data-testid="download-xlsx"
          >
            {t('downloadXlsx')}
          </Button>
          <Link to="/meetings">{t('back')}</Link>
        </Space>
      </Space>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
        {pack.kindName} · {m.place} · {m.host}
        <br />
        统计期间：
        {pack.previousMeeting
          ? `上次会议（${pack.period.fromDay}）以来`
          : `${pack.period.fromDay} 以来`}至 {pack.period.toDay}；对方数据以共享范围为限。
      </Typography.Paragraph>
      {section(
        '一、总体情况',
        <Row gutter={[12, 12]}>
          {(
            [
              ['新增线索（个）', pack.totals.newLeads],
              ['签约项目（个）', pack.totals.signed],
              ['签约额（万元）', pack.totals.contractAmountWan],
              ['到位资金（万元）', pack.totals.fundsInPlaceWan],
              ['采纳的匹配（条）', pack.totals.matchesAccepted],
            ] as const
          ).map(([label, v]) => (
            <Col key={label} xs={12} md={8} lg={4}>
              <Statistic title={label} value={fmtNumber(sum(v), 2)} />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                北碚 {fmtNumber(v.beibei, 2)} · 绵阳 {fmtNumber(v.mianyang, 2)}
              </Typography.Text>
            </Col>
          ))}
        </Row>,
      )}
      {section(
        '二、分产业新增线索与签约情况',
        <>
          {cityBars(
            pack.byIndustry.map((r) => r.industryName),
            pack.byIndustry.map((r) => r.amount.beibei),
            pack.byIndustry.map((r) => r.amount.mianyang),
            '分产业签约额',
          )}
          <Table
            rowKey="industry"
            size="small"
            pagination={false}
            scroll={{ x: 700 }}
            dataSource={pack.byIndustry}
            columns={[
              { title: '产业', dataIndex: 'industryName' },
              { title: '新增·北碚', render: (_, r) => r.newLeads.beibei },
              { title: '新增·绵阳', render: (_, r) => r.newLeads.mianyang },
              { title: '签约·北碚', render: (_, r) => r.signed.beibei },
              { title: '签约·绵阳', render: (_, r) => r.signed.mianyang },
              { title: '签约额·北碚（万元）', render: (_, r) => fmtNumber(r.amount.beibei, 2) },
              { title: '签约额·绵阳（万元）', render: (_, r) => fmtNumber(r.amount.mianyang, 2) },
              {
                title: '到位资金（万元）',
                render: (_, r) => fmtNumber(r.funds.beibei + r.funds.mianyang, 2),
              },
            ]}
          />
        </>,
        '含未共享线索，仅按地区汇总，不列名称。',
      )}
      {section(
        '三、招商漏斗（当前在谈项目）',
        cityBars(
          pack.funnel.map((f) => f.stageName),
          pack.funnel.map((f) => f.beibei),
          pack.funnel.map((f) => f.mianyang),
          '招商漏斗',
        ),
      )}
      {section(
        '四、重大签约项目',
        <Table
          rowKey="leadId"
          size="small"
          pagination={false}
          scroll={{ x: 700 }}
          dataSource={pack.topSigned}
          columns={[
            { title: '项目', dataIndex: 'title' },
            { title: '地区', render: (_, r) => CITY[r.jurisdiction] },
            { title: '产业', dataIndex: 'industryName' },
            { title: '签约日期', dataIndex: 'signedAt' },
            { title: '签约额（万元）', render: (_, r) => fmtNumber(r.contractAmountWan, 2) },
            { title: '到位资金（万元）', render: (_, r) => fmtNumber(r.fundsInPlaceWan, 2) },
          ]}
        />,
        '仅列本市项目及对方已共享的项目；保密项目以代号显示。',
      )}
      <Row gutter={12}>
        <Col xs={24} md={12}>
          {section(
            '五、产业链匹配采纳情况',
            <Table
              rowKey="jurisdiction"
              size="small"
              pagination={false}
              dataSource={pack.matchesAccepted}
              columns={[
                { title: '地区', render: (_, r) => CITY[r.jurisdiction] },
                { title: '对方企业匹配', dataIndex: 'partner' },
                { title: '园区匹配', dataIndex: 'park' },
              ]}
            />,
          )}
        </Col>
        <Col xs={24} md={12}>
          {section(
            '六、撞单及处理情况',
            <Table
              rowKey="status"
              size="small"
              pagination={false}
              dataSource={pack.collisions}
              columns={[
                { title: '处理结果', dataIndex: 'statusName' },
                { title: '数量', dataIndex: 'count' },
              ]}
            />,
          )}
        </Col>
      </Row>
      {section(
        '七、联合推介活动',
        <>
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            scroll={{ x: true }}
            data-testid="pack-events"
            dataSource={pack.events.held}
            columns={[
              { title: '活动', render: (_, e) => <Link to={`/events/${e.id}`}>{e.title}</Link> },
              { title: '主办', render: (_, e) => e.hosts.map((h) => CITY[h]).join('、') },
              { title: '日期', dataIndex: 'day' },
              { title: '带来线索（条）', dataIndex: 'leads' },
              { title: '其中签约（个）', dataIndex: 'signed' },
              { title: '签约额（万元）', dataIndex: 'contractAmountWan' },
            ]}
          />
          <Typography.Text type="secondary">
            合计 {pack.events.held.length} 场；与行动事项关联的活动 {pack.events.linkedToItems} 场
          </Typography.Text>
        </>,
      )}
      {section('八、已完成的行动事项', <ItemTable items={pack.actionItems.done} testId="pack-done" />)}
      {section('九、逾期的行动事项', <ItemTable items={pack.actionItems.overdue} testId="pack-overdue" />)}
      {section(
        '十、临期（30天内到期）的行动事项',
        <ItemTable items={pack.actionItems.atRisk} testId="pack-at-risk" />,
      )}
      {section(
        '十一、上次会议议定事项落实情况',
        <Table
          rowKey="text"
          size="small"
          pagination={false}
          scroll={{ x: 600 }}
          dataSource={pack.previousDecisions}
          columns={[
            { title: '议定事项', dataIndex: 'text' },
            {
              title: '行动事项',
              render: (_, d) => (d.item ? `${d.item.code} ${d.item.title}` : '未形成行动事项'),
            },
            { title: '状态', render: (_, d) => d.item?.statusName ?? '' },
            { title: '进度', render: (_, d) => (d.item ? `${d.item.progress}%` : '') },
          ]}
        />,
      )}
    </div>
  );
}
