import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { DataSource } from 'typeorm';
import { NotFoundError } from '@synq/common';
import { Feed } from '@synq/database';
import { FEED_CONTENT_TYPES, FeedGenerator } from '@synq/feeds';
import { Public } from '../common/route-metadata';

function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().split(';');
    if (coding.trim().toLowerCase() !== 'gzip' && coding.trim() !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return !q || Number(q.slice(2)) > 0;
  });
}

function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = etag.replace(/^W\//, '').replace(/"/g, '');
  return ifNoneMatch.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v.replace(/^W\//, '').replace(/"/g, '').replace(/-gzip$/, '') === bare;
  });
}

/** GET /api/public/feeds/:slug (plugin surface, public): the stored feed file, generated at most once at a time. */
@ApiTags('public feeds')
@Controller('api/public/feeds')
export class PublicFeedsController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly generator: FeedGenerator,
  ) {}

  @Public()
  @Get(':slug')
  async serve(@Param('slug') slug: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const found = slug.length <= 100 ? await this.db.getRepository(Feed).findOne({ where: { slug, published: true } }) : null;
    if (!found) throw new NotFoundError('Feed', slug);
    let { feed, cache } = await this.generator.ensureFresh(found);
    let size: number;
    try {
      size = (await stat(feed.generatedFile!)).size;
    } catch {
      // the file vanished (storage wiped): build it again
      await this.db.query(`UPDATE feeds SET checked_at = NULL WHERE id = $1`, [feed.id]);
      ({ feed } = await this.generator.ensureFresh({ ...feed, checkedAt: null } as Feed));
      cache = 'MISS';
      size = (await stat(feed.generatedFile!)).size;
    }
    const gzip = acceptsGzip(req.headers['accept-encoding']);
    const etag = feed.etag ?? `"${feed.contentHash}"`;
    res.setHeader('Content-Type', FEED_CONTENT_TYPES[feed.format]);
    res.setHeader('Content-Disposition', `inline; filename="${feed.slug}.${feed.format}"`);
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.setHeader('X-Feed-Products', String(feed.itemCount));
    res.setHeader('X-Feed-Generated', feed.generatedAt!.toISOString().replace(/\.\d{3}Z$/, 'Z'));
    res.setHeader('X-Cache', cache);
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('ETag', gzip ? etag.replace(/"$/, '-gzip"') : etag);
    if (matchesEtag(req.headers['if-none-match'], etag)) {
      res.status(304).end();
      return;
    }
    res.status(200);
    const file = createReadStream(feed.generatedFile!);
    if (req.method === 'HEAD') {
      res.setHeader('Content-Length', String(size));
      res.end();
      file.destroy();
      return;
    }
    if (gzip) {
      res.setHeader('Content-Encoding', 'gzip');
      await pipeline(file, createGzip({ level: 6 }), res).catch(() => undefined);
    } else {
      res.setHeader('Content-Length', String(size));
      await pipeline(file, res).catch(() => undefined);
    }
  }
}
