import { describe, expect, it } from 'vitest';
import { windowStatus } from './maintenance.js';
import { escapeHtml, renderStatusPage } from './status-page.js';

describe('status page rendering', () => {
  it('escapes everything that could end text or an attribute', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\``)).toBe('&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;&#96;');
  });

  it('renders every value escaped, with no external asset, and says so when all is well', () => {
    const html = renderStatusPage({
      object: 'status',
      updated_at: '2026-07-01T09:00:00.000Z',
      services: [{ service: 'api', name: 'API', status: 'operational' }],
      incidents: [],
      maintenance: [
        {
          id: 'mw_1',
          object: 'maintenance_window',
          services: ['api'],
          title: '</script><script>alert(1)</script>',
          starts_at: '2026-07-02T09:00:00.000Z',
          ends_at: '2026-07-02T10:00:00.000Z',
          impact: 'none',
          emergency: false,
          reason: null,
          announced_at: '2026-07-01T09:00:00.000Z',
          announced_in_time: true,
          status: 'scheduled',
          created_at: '2026-07-01T09:00:00.000Z',
        },
      ],
    });
    expect(html).not.toContain('alert(1)</script>');
    expect(html).toContain('&#60;/script&#62;&#60;script&#62;alert(1)');
    expect(html).toContain('All services are operational.');
    expect(html).toContain('No open incidents.');
    // Sofia time (EEST in July): 09:00Z is 12:00.
    expect(html).toContain('<time datetime="2026-07-02T09:00:00.000Z">2026-07-02 12:00</time>');
    expect(html.match(/<script>/g)).toHaveLength(1);
  });

  it('tells a window scheduled, in progress (start included) and completed (end excluded)', () => {
    const w = { starts_at: '2026-07-02T09:00:00.000Z', ends_at: '2026-07-02T10:00:00.000Z' };
    expect(windowStatus(w, new Date('2026-07-02T08:59:59.999Z'))).toBe('scheduled');
    expect(windowStatus(w, new Date('2026-07-02T09:00:00.000Z'))).toBe('in_progress');
    expect(windowStatus(w, new Date('2026-07-02T10:00:00.000Z'))).toBe('completed');
  });
});
