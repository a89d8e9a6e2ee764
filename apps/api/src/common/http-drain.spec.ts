import { EventEmitter } from 'node:events';
import type { HttpAdapterHost } from '@nestjs/core';
import type { Logger } from '@synq/logger';
import { HttpDrain } from './http-drain';

/** A response double with the parts of http.ServerResponse the drain middleware relies on. */
function response() {
  const res = Object.assign(new EventEmitter(), {
    headersSent: false,
    writableEnded: false,
    destroyed: false,
    end(this: { writableEnded: boolean }) {
      this.writableEnded = true;
      return this;
    },
  });
  return res;
}

describe('HttpDrain: what counts as a request in flight', () => {
  const drain = new HttpDrain({} as HttpAdapterHost, {} as Logger);
  const start = () => {
    const res = response();
    drain.middleware()({} as never, res as never, () => undefined);
    return res;
  };

  it('a request answered normally is in flight until its response has finished', () => {
    const res = start();
    expect(drain.requestsInFlight).toBe(1);
    res.end();
    expect(drain.requestsInFlight).toBe(1); // written, not yet flushed
    res.emit('finish');
    res.emit('close');
    expect(drain.requestsInFlight).toBe(0);
  });

  it('a client that hangs up before the answer leaves the request in flight until the handler answers', () => {
    const res = start();
    res.destroyed = true;
    res.emit('close'); // the client is gone, the handler is still working (database, Redis)
    expect(drain.requestsInFlight).toBe(1);
    res.end(); // the handler's answer, onto the closed socket: no 'finish' will follow
    expect(drain.requestsInFlight).toBe(0);
    res.emit('finish');
    expect(drain.requestsInFlight).toBe(0); // counted once
  });

  it('a response already streaming when the client hangs up is done', () => {
    const res = start();
    res.headersSent = true;
    res.destroyed = true;
    res.emit('close');
    expect(drain.requestsInFlight).toBe(0);
  });
});
