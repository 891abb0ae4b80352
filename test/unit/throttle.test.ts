import { describe, expect, it } from 'vitest';
import { ACCOUNT_POLICY, addressKey, AGENT_WATCH_POLICY, IP_POLICY, lockMinutes } from '../../src/domains/accounts/throttle.ts';

describe('throttle: the delay and the keys', () => {
  it('locks 1, 2, 4, 8… minutes after the free failures, capped, and never overflows', () => {
    expect([5, 6, 7, 8, 9].map((n) => lockMinutes(ACCOUNT_POLICY, n))).toEqual([0, 1, 2, 4, 8]);
    expect(lockMinutes(ACCOUNT_POLICY, 12)).toBe(60);
    for (const failures of [37, 52, 10_000, 2 ** 31, Number.MAX_SAFE_INTEGER]) {
      expect(lockMinutes(ACCOUNT_POLICY, failures)).toBe(ACCOUNT_POLICY.maxLockMinutes);
      expect(lockMinutes(IP_POLICY, failures)).toBe(IP_POLICY.maxLockMinutes);
    }
    expect(lockMinutes(AGENT_WATCH_POLICY, 10_000)).toBe(0); // counts, never locks
  });

  it('keys an IPv6 address by its /64 (one subscriber), an IPv4 address as is', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:ffff:eeee:dddd:cccc')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});
