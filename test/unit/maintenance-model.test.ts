import { describe, expect, it } from 'vitest';
import { maintenanceStateAt, noticeInput, type Notice } from '../../src/domains/site/maintenance-model.ts';

const at = (iso: string) => new Date(iso);
const notice = (id: number, kind: Notice['kind'], start: string, end: string): Notice => ({
  id,
  kind,
  message: `avis ${id}`,
  startsAt: at(start),
  endsAt: at(end),
});

describe('maintenance state', () => {
  const now = at('2026-12-01T10:00:00Z');
  const notices = [
    notice(1, 'banner', '2026-12-01T08:00:00Z', '2026-12-02T08:00:00Z'),
    notice(2, 'banner', '2026-12-03T08:00:00Z', '2026-12-04T08:00:00Z'),
    notice(3, 'unavailable', '2026-12-10T21:00:00Z', '2026-12-11T05:00:00Z'),
    notice(4, 'unavailable', '2027-02-10T21:00:00Z', '2027-02-11T05:00:00Z'),
    notice(5, 'unavailable', '2026-12-05T21:00:00Z', '2026-12-06T05:00:00Z'),
  ];

  it('shows only the banners whose window is in force', () => {
    expect(maintenanceStateAt(notices, now).banners.map((n) => n.id)).toEqual([1]);
  });

  it('announces unavailability planned within 30 days, soonest first, and not later ones', () => {
    const state = maintenanceStateAt(notices, now);
    expect(state.planned.map((n) => n.id)).toEqual([5, 3]);
    expect(state.unavailable).toBeNull();
  });

  it('puts the service down during an unavailability window, and up again at its end', () => {
    expect(maintenanceStateAt(notices, at('2026-12-10T22:00:00Z')).unavailable?.id).toBe(3);
    expect(maintenanceStateAt(notices, at('2026-12-11T05:00:00Z')).unavailable).toBeNull();
  });

  it('refuses a window that ends before it starts, in French', () => {
    const r = noticeInput.safeParse({ kind: 'banner', message: 'x', startsAt: '2026-12-02', endsAt: '2026-12-01', createdBy: 'op' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('La fin doit être après le début');
  });
});
