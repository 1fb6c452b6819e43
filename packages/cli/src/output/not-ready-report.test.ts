import { describe, expect, it } from 'vitest';
import { notReadyLines } from './not-ready-report.js';

describe('notReadyLines', () => {
  it('lists each task under the headline with names aligned', () => {
    expect(
      notReadyLines('stack demo failed:', [
        { name: 'api-1', reason: 'image x not found', failed: true, scope: 'task' },
        { name: 'worker-12', reason: 'waiting for api (service_started)', failed: false, scope: 'task' },
      ]),
    ).toEqual(['stack demo failed:', '  api-1      image x not found', '  worker-12  waiting for api (service_started)']);
  });

  it('is just the headline when nothing is listed', () => {
    expect(notReadyLines('x', [])).toEqual(['x']);
  });
});
