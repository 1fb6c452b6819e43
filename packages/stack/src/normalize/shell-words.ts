/**
 * Splits a command string into argv the way a POSIX shell splits words: blanks separate words,
 * single quotes are literal, double quotes keep blanks and honour `\"`, `\\`, `\$` and `` \` ``,
 * a backslash outside quotes escapes the next character. Nothing is expanded or executed.
 * Unquoted `; & | < >` are reported because Compose's parser silently drops everything after
 * them, which is never what the author meant.
 */
import { failed, parsed, type ParseResult } from './parse-result.js';

/** The words of a command, and the unquoted shell operators seen while splitting. */
export interface ShellWords {
  words: string[];
  operators: string[];
}

const BLANK = /[ \t\r\n]/;
const OPERATOR = /[;&|<>]/;
const DQ_ESCAPABLE = new Set(['"', '\\', '$', '`', '\n']);

/** Splits `text` into words; fails on an unterminated quote or a trailing backslash. */
export function splitShellWords(text: string): ParseResult<ShellWords> {
  const words: string[] = [];
  const operators: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const end = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (BLANK.test(c)) {
      end();
      i++;
    } else if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close === -1) return failed(`unterminated single quote in ${JSON.stringify(text)}`);
      word += text.slice(i + 1, close);
      inWord = true;
      i = close + 1;
    } else if (c === '"') {
      i++;
      inWord = true;
      for (;;) {
        if (i >= text.length) return failed(`unterminated double quote in ${JSON.stringify(text)}`);
        const d = text[i] as string;
        if (d === '"') break;
        const next = text[i + 1];
        if (d === '\\' && next !== undefined && DQ_ESCAPABLE.has(next)) {
          if (next !== '\n') word += next; // backslash-newline is a line continuation
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      i++;
    } else if (c === '\\') {
      const next = text[i + 1];
      if (next === undefined) return failed(`trailing backslash in ${JSON.stringify(text)}`);
      if (next !== '\n') {
        word += next;
        inWord = true;
      }
      i += 2;
    } else {
      if (OPERATOR.test(c)) {
        let op = c;
        while (i + op.length < text.length && OPERATOR.test(text[i + op.length] as string)) op += text[i + op.length];
        operators.push(op);
        end();
        words.push(op);
        i += op.length;
        continue;
      }
      word += c;
      inWord = true;
      i++;
    }
  }
  end();
  return parsed({ words, operators });
}
