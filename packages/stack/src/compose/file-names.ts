/** How the combining stages name other files in messages. */
import path from 'node:path';

/** `file` relative to `dir` when it lies below it, else the absolute path. */
export function nameBelow(file: string, dir: string): string {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
