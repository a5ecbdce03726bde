import { describe, expect, it } from 'vitest';
import { banner } from './banner.js';

const urls = { gateway: 'http://127.0.0.1:8080', registry: 'http://127.0.0.1:3001', auth: 'http://127.0.0.1:3002' };

describe('banner', () => {
  it('prints the three URLs, a kept secret with its file, and the data directory', () => {
    const text = banner({
      urls,
      adminSecret: { secret: 's3cret-s3cret-s3cret', source: { kind: 'file', path: '/srv/app/data/admin-secret', created: false } },
      dataDir: '/srv/app/data',
      cwd: '/srv/app',
    });
    expect(text).toBe(
      [
        'Portcullis is running (embedded)',
        '  gateway   http://127.0.0.1:8080',
        '  registry  http://127.0.0.1:3001  (admin API: /admin/apis, docs: /admin/docs)',
        '  portal    http://127.0.0.1:3001/portal  (developer portal)',
        '  console   http://127.0.0.1:3001/console  (operator console: sign in with the admin secret)',
        '  auth      http://127.0.0.1:3002',
        '  admin secret: s3cret-s3cret-s3cret  (from ./data/admin-secret)',
        '  data: /srv/app/data',
        '',
      ].join('\n'),
    );
  });

  it('says when the secret was just generated, with an absolute path outside the working directory', () => {
    const text = banner({
      urls,
      adminSecret: { secret: 'generated-generated', source: { kind: 'file', path: '/tmp/pc/admin-secret', created: true } },
      dataDir: '/tmp/pc',
      cwd: '/srv/app',
    });
    expect(text).toContain('  admin secret: generated-generated  (generated, kept in /tmp/pc/admin-secret)');
  });

  it('does not echo a secret the operator passed in ADMIN_SECRET', () => {
    const text = banner({ urls, adminSecret: { secret: 'operator-secret-value', source: { kind: 'env' } }, dataDir: '/d', cwd: '/' });
    expect(text).not.toContain('operator-secret-value');
    expect(text).toContain('admin secret: from ADMIN_SECRET (not shown)');
  });
});
