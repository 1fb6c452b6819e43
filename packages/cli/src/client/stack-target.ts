/**
 * Which stack a client command is about: `-p NAME`, else COMPOSE_PROJECT_NAME, else the name
 * the stack files give it (the `-f` files or the defaults in the working directory) as the
 * loader derives it: top-level `name:`, else the directory name. The files are loaded only to
 * learn the name, so their warnings are not repeated here.
 */
import { BerthError, isBerthError } from '@berth/api/domain';
import { loadStack } from '@berth/stack';
import { printDiagnostics } from '../output/print-diagnostics.js';
import type { Terminal } from '../output/terminal.js';
import { stackFiles } from '../stack-files.js';

const VALID_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** The stack options the client commands share. */
export interface StackSelection {
  projectName?: string;
  file?: string[];
}

/** Where the lookup runs. */
export interface StackTargetContext {
  term: Terminal;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/**
 * The stack's name; throws USAGE when nothing names one, and STACK_INVALID (after printing the
 * loader's errors) when the files do not load.
 */
export function stackTarget(selection: StackSelection, ctx: StackTargetContext): string {
  const given = selection.projectName ?? nonEmpty(ctx.env['COMPOSE_PROJECT_NAME']);
  if (given !== undefined) {
    if (!VALID_NAME.test(given)) {
      throw new BerthError('USAGE', `"${given}" is not a valid stack name: use lowercase letters, digits, "-" and "_", starting with a letter or digit`);
    }
    return given;
  }
  const result = loadStack({ files: stackFiles(selection.file, ctx.env, ctx.cwd), env: ctx.env, cwd: ctx.cwd });
  if (result.stack === undefined) {
    printDiagnostics(ctx.term, [], result.errors);
    throw new BerthError('STACK_INVALID', 'cannot tell the stack name from the stack files; pass -p NAME');
  }
  return result.stack.name;
}

/**
 * Like {@link stackTarget}, but undefined when neither `-p` nor `-f` is given and there is no
 * stack file here: `ps` and `events` then cover every stack.
 */
export function optionalStackTarget(selection: StackSelection, ctx: StackTargetContext): string | undefined {
  try {
    return stackTarget(selection, ctx);
  } catch (e) {
    if (isBerthError(e, 'USAGE') && selection.projectName === undefined && (selection.file ?? []).length === 0 && e.message.startsWith('no stack file')) {
      return undefined;
    }
    throw e;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
