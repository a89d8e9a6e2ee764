import { JOB_NAMES } from '@synq/queue';
import { AGENT_KINDS, agentKind, scheduleSeconds, scopeKey } from './agent-kinds';

describe('agent kinds', () => {
  it('every kind maps to a catalogued job and has a valid default schedule', () => {
    for (const [kind, def] of Object.entries(AGENT_KINDS)) {
      expect({ kind, known: JOB_NAMES.includes(def.job) }).toEqual({ kind, known: true });
      expect(scheduleSeconds(def.defaultSchedule)).toBeGreaterThan(0);
    }
    expect(agentKind('repricer')?.job).toBe('repricer.evaluate');
    expect(agentKind('feed_refresh')?.payload({ id: 'a', tenantId: 't', scope: { feed_id: 'f' } }, {} as never)).toEqual({ tenantId: 't', feedId: 'f' });
    expect(agentKind('constructor')).toBeUndefined();
  });

  it.each([
    ['every 30s', 30],
    ['every 15m', 900],
    ['every 2h', 7200],
    ['every 1d', 86_400],
    ['every 0m', null],
    ['hourly', null],
    ['every 15 m', null],
    ['every 999999d', null],
  ])('scheduleSeconds(%s) = %s', (text, seconds) => expect(scheduleSeconds(text)).toBe(seconds));

  it('scope keys are canonical', () => {
    expect(scopeKey({ b: '2', a: '1' })).toBe(scopeKey({ a: '1', b: '2' }));
    expect(scopeKey({})).toBe('');
  });
});
