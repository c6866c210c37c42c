import { TaxonomyGraph } from '../taxonomy/taxonomy';
import reference from '../taxonomy/reference-data.json';
import { columnOfField, mapHeaders, rowKey, rowToItem, segmentLookup } from './columns';

const graph = new TaxonomyGraph(reference as never);

describe('spreadsheet columns (DESIGN §17)', () => {
  it('maps the headers offices type, with 亿元 converted, and reports the unknown ones', () => {
    const { mapped, ignored } = mapHeaders('lead', [
      '公司名称',
      '项目名称',
      '计划投资（亿元）',
      '产业环节',
      '备注列',
      '外部编号',
    ]);
    expect(mapped.map((m) => [m.header, m.column.field, m.factor])).toEqual([
      ['公司名称', 'investor.name', 1],
      ['项目名称', 'title', 1],
      ['计划投资（亿元）', 'plannedInvestmentWan', 10_000],
      ['产业环节', 'segments', 1],
      ['外部编号', 'externalRef', 1],
    ]);
    expect(ignored).toEqual(['备注列']);
  });

  it('turns a row into the sync item, keyed by 外部编号, else USCC, else name and title', () => {
    const { mapped } = mapHeaders('lead', [
      '外部编号',
      '项目名称',
      '企业名称',
      '统一社会信用代码',
      '产业环节',
      '计划投资（亿元）',
      '阶段',
      '联系人',
    ]);
    const seg = segmentLookup(graph);
    const item = rowToItem(
      'lead',
      ['A-1', '项目', '某公司', null, '动力电池电芯、nev.cathode', 1.5, '洽谈', '张三'],
      mapped,
      seg,
    );
    expect(item).toEqual({
      externalRef: { system: 'spreadsheet', id: 'A-1' },
      title: '项目',
      investor: { name: '某公司' },
      segments: ['nev.battery-cell', 'nev.cathode'],
      plannedInvestmentWan: 15000,
      stage: 'negotiating',
      contacts: [{ name: '张三' }],
    });
    expect(
      rowToItem('lead', [null, '项目', '某公司', '91500109MA5U7N9X2L'], mapped, seg).externalRef,
    ).toEqual({
      system: 'spreadsheet',
      id: 'uscc:91500109MA5U7N9X2L',
    });
    expect(rowToItem('lead', [null, '项目', '某公司'], mapped, seg).externalRef).toEqual({
      system: 'spreadsheet',
      id: 'name:某公司|项目',
    });
    expect(columnOfField('segments[1]', mapped, 'lead')).toBe('产业环节');
    expect(columnOfField('contacts[0].email', mapped, 'lead')).toBe('联系邮箱');
    expect(columnOfField('investor.uscc', mapped, 'lead')).toBe('统一社会信用代码');
  });

  it('turns a park row into the park body, keyed by its name, empty cells left out', () => {
    const { mapped } = mapHeaders('park', [
      '园区名称',
      '所属区域',
      '主导产业环节',
      '可用土地（亩）',
      '优惠政策',
    ]);
    const sensors = graph.segmentByCode.get('ngit.sensors')!.name;
    const item = rowToItem(
      'park',
      [' 某某产业园 ', '北碚区、绵阳', sensors, '1,200亩', null],
      mapped,
      segmentLookup(graph),
    );
    expect(item).toEqual({
      name: '某某产业园',
      jurisdictions: ['beibei', 'mianyang'],
      targetSegments: ['ngit.sensors'],
      availableLandMu: 1200,
    });
    expect(rowKey('park', item)).toBe('name:某某产业园');
    expect(rowKey('park', {})).toBeNull();
    expect(columnOfField('targetSegments[0]', mapped, 'park')).toBe('主导产业环节');
  });
});
