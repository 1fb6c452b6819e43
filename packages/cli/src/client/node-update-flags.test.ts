import { describe, expect, it } from 'vitest';
import { BerthError } from '@berth/api/domain';
import { nodeUpdateRequest, parseAvailability, parseLabelAdds, parseLabelRemovals } from './node-update-flags.js';

function usageMessage(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(BerthError);
    expect((e as BerthError).code).toBe('USAGE');
    return (e as BerthError).message;
  }
  throw new Error('no usage error');
}

describe('parseLabelAdds', () => {
  it('takes key=value, splitting at the first =, and allows an empty value', () => {
    expect(parseLabelAdds(['zone=eu', 'expr=a=b', 'flag=', 'zone=eu'])).toEqual({ zone: 'eu', expr: 'a=b', flag: '' });
  });

  it.each([
    ['zone', /--label-add "zone": expected key=value \(use --label-rm to remove a label\)/],
    ['=eu', /--label-add "=eu": the label key is empty/],
    ['my zone=eu', /--label-add "my zone=eu": a label key cannot contain spaces, quotes or =/],
    ['"zone"=eu', /cannot contain spaces, quotes/],
  ])('refuses %j', (item, message) => {
    expect(usageMessage(() => parseLabelAdds([item]))).toMatch(message);
  });

  it('refuses one key with two values', () => {
    expect(usageMessage(() => parseLabelAdds(['zone=eu', 'zone=us']))).toMatch(/gives label "zone" two values \("eu" and "us"\)/);
  });
});

describe('parseLabelRemovals', () => {
  it('takes keys, each once', () => {
    expect(parseLabelRemovals(['zone', 'ssd', 'zone'])).toEqual(['zone', 'ssd']);
  });

  it('refuses key=value and empty keys', () => {
    expect(usageMessage(() => parseLabelRemovals(['zone=eu']))).toMatch(/--label-rm "zone=eu": expected a label key alone/);
    expect(usageMessage(() => parseLabelRemovals(['']))).toMatch(/--label-rm "": the label key is empty/);
  });
});

describe('parseAvailability', () => {
  it('takes active, pause and drain only', () => {
    expect(['active', 'pause', 'drain'].map(parseAvailability)).toEqual(['active', 'pause', 'drain']);
    expect(usageMessage(() => parseAvailability('drained'))).toBe('--availability must be active, pause or drain (got "drained")');
  });
});

describe('nodeUpdateRequest', () => {
  it('builds the request with only what was given', () => {
    expect(nodeUpdateRequest('box', { labelAdd: ['zone=eu'], labelRm: ['ssd'], availability: 'drain' })).toEqual({
      node: 'box',
      labelsAdd: { zone: 'eu' },
      labelsRemove: ['ssd'],
      availability: 'drain',
    });
    expect(nodeUpdateRequest('0123ab', { availability: 'pause' })).toEqual({ node: '0123ab', availability: 'pause' });
    expect(nodeUpdateRequest('box', { labelRm: ['ssd'] })).toEqual({ node: 'box', labelsRemove: ['ssd'] });
  });

  it('refuses an update that changes nothing, or adds and removes one key', () => {
    expect(usageMessage(() => nodeUpdateRequest('box', {}))).toMatch(/^nothing to update: give --label-add key=value, --label-rm key or --availability/);
    expect(usageMessage(() => nodeUpdateRequest('box', { labelAdd: ['zone=eu'], labelRm: ['zone'] }))).toMatch(/label "zone" is both added .* and removed/);
  });
});
