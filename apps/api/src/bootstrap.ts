import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { NextFunction, Request, Response } from 'express';
import pinoHttp from 'pino-http';
import { AppConfig } from '@synq/config';
import { Logger, PinoNestLogger } from '@synq/logger';
import { RedisService } from '@synq/redis';
import { AppModule } from './app.module';
import { toErrorInfo } from './common/all-exceptions.filter';
import { sendError } from './common/error-body';
import { HttpDrain } from './common/http-drain';
import { isExemptFromRateLimit, rateLimit, requestId, storefrontCors } from './common/http-middleware';
import { RateLimiter } from './common/rate-limiter';
import type { SynqRequest } from './common/request';
import { createValidationPipe } from './common/validation';
import { MetricsService } from './metrics/metrics.service';

function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|state)=)[^&#]*/gi, '$1[redacted]');
}

/** Builds the api application (not yet listening): used by main.ts, the tests and the benchmarks. */
export async function createApiApp(config: AppConfig, logger: Logger): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger), {
    bodyParser: false,
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // no automatic ETag: Express would hash every response body; routes that support conditional
  // requests (public feeds) set their own
  app.set('etag', false);

  const metrics = app.get(MetricsService);
  const redis = app.get(RedisService);
  const limit = config.bodyLimitBytes;

  app.use(app.get(HttpDrain).middleware());
  app.use(requestId());
  app.use(
    pinoHttp({
      logger,
      genReqId: (req) => (req as unknown as SynqRequest).id,
      autoLogging: { ignore: (req) => isExemptFromRateLimit((req as unknown as Request).path ?? req.url ?? '') },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      serializers: {
        // capability tokens in query strings (storefront quote/file links, onboarding state) are not logged
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use((req: Request, res: Response, next: NextFunction) => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl ?? ''}${req.route.path}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  });
  app.use(storefrontCors());
  app.use(rateLimit(new RateLimiter(redis.client, redis.key('rl')), config, logger));
  app.use((req: Request, res: Response, next: NextFunction) => {
    const declared = Number(req.header('content-length') ?? 0);
    if (declared > limit) {
      return sendError(res, req.originalUrl, { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Request body is larger than the 10 MB limit' });
    }
    next();
  });
  const keepRaw = (req: Request, _res: Response, buf: Buffer) => {
    (req as SynqRequest).rawBody = buf;
  };
  app.use(express.json({ limit, verify: keepRaw, type: ['application/json', 'application/*+json'] }));
  app.use(express.urlencoded({ limit, extended: false, verify: keepRaw }));
  app.use(express.text({ limit, type: ['text/plain', 'text/csv', 'text/tab-separated-values', 'application/xml', 'text/xml'], verify: keepRaw }));
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!err) return next();
    sendError(res, req.originalUrl, toErrorInfo(err));
  });

  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Synq API')
      .setDescription('Platform API (/api/v1), plugin & account (/api), Unified (/unified), Developer API (/v1), Storefront (/api/storefront)')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
