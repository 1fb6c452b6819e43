import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../diagnostics.js';
import type { RawValue } from '../raw-model.js';
import { normalizeFileRefs, normalizeFileResources, type FileKind } from './secrets-configs.js';

describe('top-level secrets and configs', () => {
  it('normalizes names and sources', () => {
    const diag = new Diagnostics();
    expect(
      normalizeFileResources(
        { db_password: { file: '/p/secrets/db.txt' }, token: { environment: 'API_TOKEN' }, vault: { external: true }, named: { name: 'exact', file: '/p/x' } },
        'secret',
        'shop',
        diag,
      ),
    ).toEqual({
      db_password: { name: 'shop_db_password', external: false, file: '/p/secrets/db.txt' },
      token: { name: 'shop_token', external: false, environment: 'API_TOKEN' },
      vault: { name: 'vault', external: true },
      named: { name: 'exact', external: false, file: '/p/x' },
    });
    expect(normalizeFileResources({ nginx: { content: 'server {}' } }, 'config', 'shop', diag)).toEqual({
      nginx: { name: 'shop_nginx', external: false, content: 'server {}' },
    });
    expect(diag.items).toEqual([]);
  });

  it('requires exactly one source unless external', () => {
    const diag = new Diagnostics();
    normalizeFileResources({ none: {}, both: { file: '/a', environment: 'B' } }, 'secret', 'p', diag);
    normalizeFileResources({ empty: { labels: { a: 'b' } }, blank: { file: '' } }, 'config', 'p', diag);
    expect(normalizeFileResources({ inline: { content: '' } }, 'config', 'p', diag)).toEqual({ inline: { name: 'p_inline', external: false, content: '' } });
    expect(diag.items.map((d) => `${d.path}: ${d.message}`)).toEqual([
      'secrets.none: secret "none" must declare one of "file" or "environment"',
      'secrets.both: secret "both" declares more than one of "file" or "environment"',
      'configs.empty: config "empty" must declare one of "file", "environment" or "content"',
      'configs.blank: config "blank" must declare one of "file", "environment" or "content"',
    ]);
  });
});

describe('service secret and config references', () => {
  const refs = (raw: RawValue, kind: FileKind) => {
    const diag = new Diagnostics();
    const section = kind === 'secret' ? 'secrets' : 'configs';
    const spec = normalizeFileRefs(raw, kind, ['services', 'web', section], { service: 'web', declared: new Set(['a', 'b']) }, diag);
    return { spec, messages: diag.items.map((d) => `${d.path}: ${d.message}`) };
  };

  it('mounts secrets under /run/secrets and configs at the root by default', () => {
    expect(refs(['a'], 'secret').spec).toEqual([{ source: 'a', target: '/run/secrets/a' }]);
    expect(refs(['a'], 'config').spec).toEqual([{ source: 'a', target: '/a' }]);
  });

  it('reads the long form with target, uid, gid and mode', () => {
    expect(
      refs(
        [
          { source: 'a', target: 'db_pass', uid: '103', gid: 103, mode: 0o440 },
          { source: 'b', target: '/etc/app/key', mode: '0400' },
          { source: 'a' },
        ],
        'secret',
      ),
    ).toEqual({
      spec: [
        { source: 'a', target: '/run/secrets/db_pass', uid: '103', gid: '103', mode: 0o440 },
        { source: 'b', target: '/etc/app/key', mode: 0o400 },
        { source: 'a', target: '/run/secrets/a' },
      ],
      messages: [],
    });
    expect(refs([{ source: 'b', target: 'app.conf' }], 'config').spec).toEqual([{ source: 'b', target: '/app.conf' }]);
  });

  it('reports undeclared references and bad modes', () => {
    expect(refs(['ghost', { source: 'phantom' }, { source: 'a', mode: 'rw' }], 'secret').messages).toEqual([
      'services.web.secrets[0]: secret "ghost" is used by service "web" but not declared in the top-level secrets',
      'services.web.secrets[1].source: secret "phantom" is used by service "web" but not declared in the top-level secrets',
      'services.web.secrets[2].mode: invalid file mode "rw": expected octal permission bits, e.g. "0440"',
    ]);
    expect(refs(['nope'], 'config').messages).toEqual([
      'services.web.configs[0]: config "nope" is used by service "web" but not declared in the top-level configs',
    ]);
  });
});
