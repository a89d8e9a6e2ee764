import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { Request, Response } from 'express';

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the Link: rel="next" header' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

/** Announces the next page in an RFC 8288 `Link` header (the body shape stays what it is). */
export function setNextLink(req: Request, res: Response, nextCursor: string | undefined): void {
  if (!nextCursor) return;
  const u = new URL(req.originalUrl, 'http://x');
  u.searchParams.set('cursor', nextCursor);
  res.setHeader('Link', `<${u.pathname}${u.search}>; rel="next"`);
}
