import { ApiProperty } from '@nestjs/swagger';

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
