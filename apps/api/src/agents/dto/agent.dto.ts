import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class UpdateAgentDto {
  @ApiPropertyOptional({ description: 'false pauses the agent: no scheduled runs until enabled again' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ example: 'every 15m', description: 'every <n><s|m|h|d>' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @Matches(/^every [1-9]\d{0,5}(s|m|h|d)$/, { message: 'schedule must look like "every 15m" (units s, m, h, d)' })
  schedule?: string;
}
