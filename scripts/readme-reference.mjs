// Writes the stack-file reference table (from packages/stack/src/schema/support.ts) into
// README.md between the stack-reference markers. `--check` fails when README is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderSupportTable } from '@berth/stack';

const START = '<!-- stack-reference:start -->';
const END = '<!-- stack-reference:end -->';
const readme = readFileSync('README.md', 'utf8');
const a = readme.indexOf(START);
const b = readme.indexOf(END);
if (a < 0 || b < a) throw new Error('README.md lacks the stack-reference markers');
const next = `${readme.slice(0, a + START.length)}\n${renderSupportTable()}\n${readme.slice(b)}`;
if (process.argv.includes('--check')) {
  if (next !== readme) {
    console.error('README.md stack-file reference is stale: run npm run readme:reference');
    process.exit(1);
  }
} else {
  writeFileSync('README.md', next);
}
