import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import type { Server } from 'node:http';
import { LOGGER, Logger } from '@synq/logger';

/** How long a stopping api waits for the requests it is serving. */
export const DRAIN_TIMEOUT_MS = 15_000;

/**
 * Graceful stop of the api (rolling deploys, SIGTERM): before the database pool and Redis close,
 * the HTTP server stops accepting connections and the requests already being served run to their
 * end (up to DRAIN_TIMEOUT_MS); idle keep-alive connections are closed so clients reconnect to
 * another replica. Without it Nest tears the pool down under in-flight requests (500s).
 */
@Injectable()
export class HttpDrain implements BeforeApplicationShutdown {
  private inFlight = 0;
  private idle?: () => void;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Express middleware counting the requests in flight (this process's own lifecycle, nothing shared). */
  middleware() {
    return (_req: Request, res: Response, next: NextFunction) => {
      this.inFlight++;
      let done = false;
      const end = () => {
        if (done) return;
        done = true;
        this.inFlight--;
        if (this.inFlight === 0) this.idle?.();
      };
      res.on('finish', end);
      // A client that hangs up does not stop the handler: the request stays in flight until the
      // handler answers (Express ends the response even on a closed socket), so a stopping api does
      // not close the pool under it. A response already streaming when the client left is done.
      res.on('close', () => {
        if (res.headersSent || res.writableEnded) end();
      });
      const resEnd = res.end.bind(res) as (...a: unknown[]) => Response;
      res.end = ((...args: unknown[]) => {
        const out = resEnd(...args);
        if (res.destroyed) end();
        return out;
      }) as Response['end'];
      next();
    };
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server?.listening) return;
    server.close();
    // keep-alive sockets: responses in flight go out with `Connection: close`, idle ones close now
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    server.closeIdleConnections();
    const waiting = this.inFlight;
    try {
      if (this.inFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, DRAIN_TIMEOUT_MS);
          this.idle = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } finally {
      clearInterval(sweep);
      this.idle = undefined;
    }
    if (waiting) this.logger.info({ drained: waiting - this.inFlight, abandoned: this.inFlight }, 'api drained in-flight requests before stopping');
  }
}
