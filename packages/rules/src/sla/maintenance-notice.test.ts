import { describe, expect, it } from 'vitest';
import { announcedInTime, checkMaintenanceNotice, type MaintenanceImpact } from './maintenance-notice.js';

const HOUR = 3_600_000;
const announcedAt = new Date('2026-06-10T09:00:00.000Z');
const later = (ms: number) => new Date(announcedAt.getTime() + ms);

describe('checkMaintenanceNotice', () => {
  it.each<[MaintenanceImpact, number, boolean, string | null]>([
    ['none', 23 * HOUR, false, 'insufficient_notice'],
    ['none', 24 * HOUR - 1, false, 'insufficient_notice'],
    ['none', 24 * HOUR, true, null],
    ['none', 30 * 24 * HOUR, true, null],
    ['possible', 24 * HOUR, false, 'insufficient_notice'],
    ['possible', 71 * HOUR, false, 'insufficient_notice'],
    ['possible', 72 * HOUR, true, null],
    ['none', -HOUR, false, 'insufficient_notice'],
  ])('%s impact with %i ms notice: ok %s (%s)', (impact, notice, ok, code) => {
    const result = checkMaintenanceNotice({ announcedAt, startsAt: later(notice), impact });
    expect(result.ok).toBe(ok);
    if (!result.ok) {
      expect(result.code).toBe(code);
      expect(result.earliest_start.toISOString()).toBe(later(impact === 'none' ? 24 * HOUR : 72 * HOUR).toISOString());
    } else expect(result.basis).toBe('notice');
    expect(announcedInTime({ announcedAt, startsAt: later(notice), impact })).toBe(ok);
  });

  it('72 hours across the October change are 72 real hours (wall time 09:00, not 10:00)', () => {
    const at = new Date('2026-10-23T10:00:00+03:00');
    expect(checkMaintenanceNotice({ announcedAt: at, startsAt: new Date('2026-10-26T09:00:00+02:00'), impact: 'possible' }).ok).toBe(true);
    expect(checkMaintenanceNotice({ announcedAt: at, startsAt: new Date('2026-10-26T08:59:00+02:00'), impact: 'possible' }).ok).toBe(false);
  });

  it.each<[string, { reason: string } | null, number, boolean, string | null, string | null]>([
    ['emergency, immediate, with a reason', { reason: 'CVE-2026-0001 in the SIP stack' }, 0, true, 'emergency', null],
    ['emergency, 10 minutes later', { reason: 'disk failing on the media node' }, 600_000, true, 'emergency', null],
    ['emergency without a reason', { reason: '' }, 0, false, null, 'emergency_reason_required'],
    ['emergency with a blank reason', { reason: '   ' }, 0, false, null, 'emergency_reason_required'],
    ['emergency that started before the announcement', { reason: 'kernel panic loop' }, -60_000, false, null, 'starts_before_announcement'],
    ['emergency: null is no emergency', null, 0, false, null, 'insufficient_notice'],
  ])('%s', (_why, emergency, notice, ok, basis, code) => {
    const result = checkMaintenanceNotice({ announcedAt, startsAt: later(notice), impact: 'possible', emergency });
    expect(result.ok).toBe(ok);
    if (result.ok) expect(result.basis).toBe(basis);
    else expect(result.code).toBe(code);
  });

  it('says when a refused window could start at the earliest', () => {
    const noReason = checkMaintenanceNotice({ announcedAt, startsAt: later(0), impact: 'possible', emergency: { reason: ' ' } });
    expect(noReason).toMatchObject({ ok: false, code: 'emergency_reason_required', notice_ms: 0, required_ms: 72 * HOUR });
    expect(!noReason.ok && noReason.earliest_start.toISOString()).toBe(later(72 * HOUR).toISOString());
    const early = checkMaintenanceNotice({ announcedAt, startsAt: later(-60_000), impact: 'none', emergency: { reason: 'kernel panic loop' } });
    expect(!early.ok && early.earliest_start.toISOString()).toBe(announcedAt.toISOString());
  });

  it('an emergency window is allowed but not announced in time, so uptime counts it', () => {
    const window = { announcedAt, startsAt: later(0), impact: 'none' as const };
    expect(checkMaintenanceNotice({ ...window, emergency: { reason: 'TLS certificate leak' } }).ok).toBe(true);
    expect(announcedInTime(window)).toBe(false);
  });

  it('an emergency with enough notice anyway is plain scheduled maintenance', () => {
    const result = checkMaintenanceNotice({ announcedAt, startsAt: later(24 * HOUR), impact: 'none', emergency: { reason: 'x' } });
    expect(result).toMatchObject({ ok: true, basis: 'notice' });
  });

  it('refuses an unknown impact and invalid dates', () => {
    expect(() => checkMaintenanceNotice({ announcedAt, startsAt: later(0), impact: 'severe' as MaintenanceImpact })).toThrow(/unknown maintenance impact/);
    expect(() => checkMaintenanceNotice({ announcedAt: new Date('x'), startsAt: later(0), impact: 'none' })).toThrow(/announcedAt/);
  });
});
