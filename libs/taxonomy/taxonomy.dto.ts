import { ApiProperty } from '@nestjs/swagger';
import { EDGE_STRENGTHS, type EdgeStrength } from './taxonomy';

export class IndustryDto {
  @ApiProperty({ example: 'nev' }) code: string;
  @ApiProperty({ example: '新能源与智能网联汽车' }) name: string;
  @ApiProperty({ example: 'New-energy & intelligent vehicles' }) nameEn: string;
}
export class SegmentDto {
  @ApiProperty({ example: 'nev.battery-cell' }) code: string;
  @ApiProperty({ example: 'nev' }) industry: string;
  @ApiProperty({ enum: ['upstream', 'midstream', 'downstream'] }) stage: string;
  @ApiProperty({ example: '动力电池电芯' }) name: string;
  @ApiProperty({ example: 'battery cells' }) nameEn: string;
}
export class ChainEdgeDto {
  @ApiProperty({ example: 'nev.cathode', description: 'supplies `to`' }) from: string;
  @ApiProperty({ example: 'nev.battery-cell' }) to: string;
  @ApiProperty({
    enum: EDGE_STRENGTHS,
    example: 'core',
    description:
      '`core`: a defining input or a direct customer; `supporting`: recycling loops, testing, general equipment and software serving many chains (DESIGN §8, §10)',
  })
  strength: EdgeStrength;
  @ApiProperty({
    example: '正极约占电芯材料成本四成，决定能量密度',
    description: 'Why the edge has its strength (zh-CN)',
  })
  reason: string;
  @ApiProperty({ example: 'The cathode is about 40% of a cell’s material cost and sets its energy density' })
  reasonEn: string;
}
export class JurisdictionDto {
  @ApiProperty({ example: 'beibei' }) code: string;
  @ApiProperty({ example: '北碚区' }) name: string;
  @ApiProperty() nameEn: string;
  @ApiProperty({ example: '500109' }) divisionCode: string;
}
export class TaxonomyDto {
  @ApiProperty({ type: [IndustryDto] }) industries: IndustryDto[];
  @ApiProperty({ type: [SegmentDto] }) segments: SegmentDto[];
  @ApiProperty({ type: [ChainEdgeDto] }) edges: ChainEdgeDto[];
}
