import { checkoutLifetimeMs, toMinorUnits } from './payments.service';

describe('checkout amounts', () => {
  it('converts exact decimals to each currency’s minor unit', () => {
    expect(toMinorUnits('12.5', 'USD')).toBe(1250);
    expect(toMinorUnits('149.9900', 'EUR')).toBe(14999);
    expect(toMinorUnits('0.1', 'USD') + toMinorUnits('0.2', 'USD')).toBe(30);
    expect(toMinorUnits('500', 'JPY')).toBe(500);
    expect(toMinorUnits('1.234', 'KWD')).toBe(1234);
    expect(toMinorUnits('10.005', 'USD')).toBe(1001);
  });

  it('keeps the session lifetime inside Stripe’s 30 min – 24 h window with a minute to spare', () => {
    expect(checkoutLifetimeMs(30)).toBe(31 * 60_000);
    expect(checkoutLifetimeMs(60)).toBe(60 * 60_000);
    expect(checkoutLifetimeMs(1440)).toBe(1439 * 60_000);
  });
});
