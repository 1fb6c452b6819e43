/**
 * Plain-text tables: a header row, then one row per item, columns padded to their widest cell
 * and separated by three spaces (as `docker ps` prints them). Pure; the commands decide what
 * goes in the cells.
 */

/** One column: its header and, optionally, how wide it may grow before it is cut. */
export interface Column {
  header: string;
  /** Cells longer than this are cut and end in `…`; absent = never cut. */
  maxWidth?: number;
}

/** Options for {@link renderTable}. */
export interface TableOptions {
  /**
   * Total width the table should fit in (the terminal's columns). When the table is wider, the
   * last column is cut to fit, but never below its header's width. Absent = no limit.
   */
  width?: number;
}

const GAP = '   ';
const ELLIPSIS = '…';

/** Cuts `text` to at most `width` characters, marking the cut with `…`. */
export function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 0) return '';
  return chars.slice(0, width - 1).join('') + ELLIPSIS;
}

/** Renders the table as lines (without newlines); trailing spaces are trimmed. */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[], options: TableOptions = {}): string[] {
  // Newlines or tabs in a cell (an error message, say) would break the grid.
  const cells = rows.map((row) => columns.map((col, i) => fitCell(oneLine(row[i] ?? ''), col.maxWidth)));
  const widths = columns.map((col, i) => Math.max(length(col.header), ...cells.map((row) => length(row[i] ?? ''))));
  const last = columns.length - 1;
  if (options.width !== undefined && last >= 0) {
    const others = widths.slice(0, last).reduce((sum, w) => sum + w + GAP.length, 0);
    const room = Math.max(length(columns[last]?.header ?? ''), options.width - others);
    if ((widths[last] ?? 0) > room) {
      widths[last] = room;
      for (const row of cells) row[last] = truncate(row[last] ?? '', room);
    }
  }
  const line = (values: readonly string[]): string =>
    values
      .map((v, i) => (i === last ? v : pad(v, widths[i] ?? 0)))
      .join(GAP)
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)];
}

function fitCell(text: string, maxWidth: number | undefined): string {
  return maxWidth === undefined ? text : truncate(text, maxWidth);
}

function oneLine(text: string): string {
  // Other control characters (ESC above all) come out as `?`: cells hold what nodes and tasks
  // report, and a node must not be able to move the cursor or recolour an operator's terminal.
  return text.replace(/\s*[\r\n\t]+\s*/g, ' ').trim().replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

// Counts code points, not UTF-16 units, so `✔` or `é` take one column.
function length(text: string): number {
  return [...text].length;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - length(text)));
}
