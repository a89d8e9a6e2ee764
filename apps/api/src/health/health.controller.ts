import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { RedisService } from '@synq/redis';
import { Public } from '../common/route-metadata';

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);
}

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly redis: RedisService,
  ) {}

  /** The process is up. */
  @Get('live')
  @HttpCode(200)
  live(): { status: string } {
    return { status: 'ok' };
  }

  /** PostgreSQL and Redis answer: 200, otherwise 503 naming what is down. */
  @Get('ready')
  async ready(@Res() res: Response): Promise<void> {
    const [postgres, redis] = await Promise.all([
      withTimeout(this.db.query('SELECT 1'), 2000).then(
        () => 'up',
        () => 'down',
      ),
      withTimeout(this.redis.ping(), 2000).then(
        (ok) => (ok ? 'up' : 'down'),
        () => 'down',
      ),
    ]);
    const ok = postgres === 'up' && redis === 'up';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'error', checks: { postgres, redis } });
  }
}
