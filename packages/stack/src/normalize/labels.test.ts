import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../diagnostics.js';
import { normalizeLabels } from './labels.js';
import { readListOrDict, readOptionMap, resolveNulls } from './list-or-dict.js';

describe('list_or_dict', () => {
  it('reads KEY=VAL and bare KEY lists, splitting at the first "="', () => {
    const diag = new Diagnostics();
    expect(readListOrDict(['A=1', 'B', 'C=', 'D=x=y', 'A=2'], ['e'], diag)).toEqual({ A: '2', B: null, C: '', D: 'x=y' });
    expect(diag.items).toEqual([]);
  });

  it('stringifies scalar map values and keeps null', () => {
    const diag = new Diagnostics();
    expect(readListOrDict({ PORT: 8080, DEBUG: true, RATIO: 0.5, EMPTY: '', UNSET: null, BAD: [1] }, ['e'], diag)).toEqual({
      PORT: '8080', DEBUG: 'true', RATIO: '0.5', EMPTY: '', UNSET: null,
    });
  });

  it('reports a list entry with an empty name', () => {
    const diag = new Diagnostics();
    expect(readListOrDict(['=x', 'OK=1'], ['services', 'web', 'environment'], diag)).toEqual({ OK: '1' });
    expect(diag.items).toEqual([
      { severity: 'error', path: 'services.web.environment[0]', message: 'invalid entry "=x": the name before "=" is empty' },
    ]);
  });

  it('fills nulls from a lookup and keeps the ones it does not know', () => {
    expect(resolveNulls({ A: null, B: null, C: 'c' }, (n) => (n === 'A' ? 'from-env' : undefined))).toEqual({ A: 'from-env', B: null, C: 'c' });
  });
});

describe('labels', () => {
  it('normalizes list and map labels to strings', () => {
    const diag = new Diagnostics();
    expect(normalizeLabels(['com.example.tier=web', 'flag'], ['l'], diag)).toEqual({ 'com.example.tier': 'web', flag: '' });
    expect(normalizeLabels({ 'com.example.replicas': 3, none: null }, ['l'], diag)).toEqual({ 'com.example.replicas': '3', none: '' });
    expect(normalizeLabels(undefined, ['l'], diag)).toEqual({});
  });

  it('normalizes driver options', () => {
    expect(readOptionMap({ mtu: 1450, 'com.docker.network.bridge.name': 'br0', bad: {} })).toEqual({
      mtu: '1450',
      'com.docker.network.bridge.name': 'br0',
    });
    expect(readOptionMap(['a=b'])).toEqual({});
  });
});
