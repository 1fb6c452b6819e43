// The README's stack-file reference is generated from the loader's support table; this keeps
// the two from drifting apart.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSupportTable, STACK_FILE_KEYS } from '@berth/stack';
import { REPO_ROOT } from './support/shared.js';

describe('README', () => {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

  it('carries the current stack-file reference (npm run readme:reference)', () => {
    const table = renderSupportTable();
    expect(readme).toContain(`<!-- stack-reference:start -->\n${table}\n<!-- stack-reference:end -->`);
  });

  it('names every supported service key in the reference', () => {
    const table = renderSupportTable();
    for (const row of STACK_FILE_KEYS.filter((r) => r.path.startsWith('services.*.') && r.path.split('.').length === 3)) {
      expect(table).toContain(`\`${row.path.split('.')[2]}`);
    }
  });
});
