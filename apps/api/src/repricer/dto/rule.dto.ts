import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsTimeZone } from '../../common/validators';
import { CONDITIONS } from '../../listings/dto/listing.dto';

export const STRATEGIES = ['match_lowest', 'beat_lowest', 'match_featured', 'cost_plus'] as const;
const MONEY = { allowNaN: false, allowInfinity: false, maxDecimalPlaces: 4 };
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export class RuleScopeDto {
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  listing_ids?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  skus?: string[];

  @ApiPropertyOptional({ description: 'category id' })
  @IsOptional()
  @IsUUID('all')
  category?: string;

  @ApiPropertyOptional({ example: 'amazon' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  marketplace?: string;
}

export class ActiveHoursDto {
  @ApiProperty({ example: '08:00' })
  @Matches(HHMM, { message: 'start must be HH:MM (24 h)' })
  start: string;

  @ApiProperty({ example: '20:00', description: 'before start: the window wraps midnight' })
  @Matches(HHMM, { message: 'end must be HH:MM (24 h)' })
  end: string;

  @ApiPropertyOptional({ example: 'Europe/Berlin', default: 'UTC' })
  @IsOptional()
  @IsTimeZone()
  timezone?: string;

  @ApiPropertyOptional({ type: [Number], description: '0 = Sunday … 6 = Saturday' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(7)
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(6, { each: true })
  days?: number[];
}

/** Fields a rule may have, optional on create and update alike. */
export class RuleOptionsDto {
  @ApiPropertyOptional({ description: 'beat_lowest: by this much; cost_plus: cost plus this much (major units)', nullable: true })
  @IsOptional()
  @IsNumber(MONEY)
  @Min(0)
  @Max(1_000_000)
  amount?: number | null;

  @ApiPropertyOptional({ description: 'beat_lowest: by this percentage; cost_plus: markup percentage', nullable: true })
  @IsOptional()
  @IsNumber(MONEY)
  @Min(0)
  @Max(1000)
  percent?: number | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsNumber(MONEY)
  @Min(0.01)
  @Max(999_999_999_999)
  max_price?: number | null;

  @ApiPropertyOptional({ type: RuleScopeDto, description: 'every given criterion must hold; {} = every listing' })
  @IsOptional()
  @ValidateNested()
  @Type(() => RuleScopeDto)
  scope?: RuleScopeDto;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  exclude_sellers?: string[];

  @ApiPropertyOptional({ enum: CONDITIONS, nullable: true })
  @IsOptional()
  @IsIn(CONDITIONS)
  only_condition?: (typeof CONDITIONS)[number] | null;

  @ApiPropertyOptional({ type: ActiveHoursDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ActiveHoursDto)
  active_hours?: ActiveHoursDto | null;

  @ApiPropertyOptional({ description: 'lower is tried first (then older first)', default: 0 })
  @IsOptional()
  @IsInt()
  @Min(-1_000_000)
  @Max(1_000_000)
  priority?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateRuleDto extends RuleOptionsDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: STRATEGIES })
  @IsOptional()
  @IsIn(STRATEGIES)
  strategy?: (typeof STRATEGIES)[number];

  @ApiPropertyOptional({ description: 'the price never goes below this' })
  @IsOptional()
  @IsNumber(MONEY)
  @Min(0.01)
  @Max(999_999_999_999)
  min_price?: number;
}

export class CreateRuleDto extends RuleOptionsDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: STRATEGIES })
  @IsIn(STRATEGIES)
  strategy: (typeof STRATEGIES)[number];

  @ApiProperty({ description: 'the price never goes below this' })
  @IsNumber(MONEY)
  @Min(0.01)
  @Max(999_999_999_999)
  min_price: number;
}
