/**
 * Reads one stack file into a raw model plus a source map, defending against hostile input:
 * size cap, binary data, YAML syntax errors, alias bombs and recursive aliases all become
 * positioned diagnostics, never exceptions.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parse, parseAllDocuments, Scalar, type Document, type Node } from 'yaml';
import { childPath, pathToString, type Diagnostic, type ModelPath, type Pos } from './diagnostics.js';
import type { LoadedModel } from './loaded-model.js';
import { MergeTag, isRawMap, type RawMap, type RawValue } from './raw-model.js';
import { SourceMap } from './source-map.js';

/** Largest stack file berth reads; real Compose files are kilobytes, not megabytes. */
export const MAX_STACK_FILE_BYTES = 8 * 1024 * 1024;
/**
 * Cap on nodes produced by expanding aliases (guards against "billion laughs"). Nodes written
 * out in the file are already bounded by the file size cap; only alias copies can explode.
 */
export const MAX_ALIAS_NODES = 100_000;

/** Result of reading one file: a model when it parsed, and every problem found. */
export interface ReadResult {
  loaded?: LoadedModel;
  diagnostics: Diagnostic[];
}

/** How a file name is shown in messages: relative to cwd when below it. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** Reads and parses the stack file at absolute path `file`. */
export function readStackFile(file: string, cwd = process.cwd()): ReadResult {
  const shown = displayPath(file, cwd);
  const fail = (message: string): ReadResult => ({
    diagnostics: [{ severity: 'error', path: '', message, pos: { file: shown, line: 1, col: 1 } }],
  });
  let bytes: Buffer;
  try {
    const st = statSync(file);
    if (st.isDirectory()) return fail(`${shown} is a directory, not a stack file`);
    if (st.size > MAX_STACK_FILE_BYTES) {
      return fail(`file is too large (${formatMiB(st.size)}; the limit is ${formatMiB(MAX_STACK_FILE_BYTES)})`);
    }
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { diagnostics: [{ severity: 'error', path: '', message: `${shown}: no such file` }] };
    return { diagnostics: [{ severity: 'error', path: '', message: `${shown}: cannot read (${code ?? String(e)})` }] };
  }
  const text = decodeText(bytes);
  if (typeof text !== 'string') return fail(`not a text file (${text.reason}); expected a YAML stack file`);
  return parseStackText(text, file, shown);
}

/** Parses YAML text already in memory; `file` is absolute, `shown` is its display name. */
export function parseStackText(text: string, file: string, shown: string): ReadResult {
  const diagnostics: Diagnostic[] = [];
  const lines = new LineCounter();
  const at = (offset: number): Pos => {
    const p = lines.linePos(offset);
    return { file: shown, line: p.line, col: p.col };
  };
  const docs = parseAllDocuments(text, { lineCounter: lines, merge: false, uniqueKeys: true, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    for (const err of doc.errors) {
      diagnostics.push({ severity: 'error', path: '', message: firstLine(err.message), pos: at(err.pos[0]) });
    }
  }
  if (diagnostics.length > 0) return { diagnostics };
  const nonEmpty = list.filter((d) => d.contents !== null);
  if (nonEmpty.length === 0) {
    return { diagnostics: [{ severity: 'error', path: '', message: 'empty stack file', pos: { file: shown, line: 1, col: 1 } }] };
  }
  if (nonEmpty.length > 1) {
    const second = nonEmpty[1]?.contents?.range?.[0] ?? 0;
    return {
      diagnostics: [{ severity: 'error', path: '', message: 'more than one YAML document; a stack file holds exactly one', pos: at(second) }],
    };
  }
  const doc = nonEmpty[0] as Document.Parsed;
  const root = doc.contents as Node;
  const sources = new SourceMap();
  const builder = new ModelBuilder(doc, text, sources, at);
  const value = builder.build(root, [], '');
  diagnostics.push(...builder.diagnostics);
  if (builder.diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  if (!isRawMap(value)) {
    diagnostics.push({ severity: 'error', path: '', message: 'top level must be a mapping (services:, networks:, ...)', pos: at(root.range?.[0] ?? 0) });
    return { diagnostics };
  }
  return { loaded: { file, dir: path.dirname(file), model: value, sources }, diagnostics };
}

/** Turns yaml's node tree into plain data, expanding aliases and merge keys with a budget. */
class ModelBuilder {
  readonly diagnostics: Diagnostic[] = [];
  private aliasNodes = 0;
  private aliasDepth = 0;
  private readonly expanding = new Set<Node>();
  private exhausted = false;

  constructor(
    private readonly doc: Document.Parsed,
    private readonly text: string,
    private readonly sources: SourceMap,
    private readonly at: (offset: number) => Pos,
  ) {}

  /** Builds the value of `node` found at `path` (`printed` is that path printed). */
  build(node: Node | null | undefined, path: ModelPath, printed: string, keyPos?: Pos): RawValue {
    if (this.exhausted) return null;
    if (this.aliasDepth > 0 && ++this.aliasNodes > MAX_ALIAS_NODES) {
      this.exhausted = true;
      this.error(path, `aliases expand to more than ${MAX_ALIAS_NODES} nodes (an alias bomb?)`, node);
      return null;
    }
    if (node === null || node === undefined) return null;
    const valuePos = this.at(node.range?.[0] ?? 0);
    this.sources.setPrinted(printed, keyPos ? { value: valuePos, key: keyPos } : { value: valuePos });
    const value = this.buildUntagged(node, path, printed);
    const tag = (node as { tag?: string }).tag;
    if (tag === '!reset' || tag === '!override') {
      // yaml leaves scalars under an unknown tag as strings; read them as untagged plain
      // scalars would be (so `!override 3` is 3 and `!reset null` is null).
      const plain = isScalar(node) && node.type === Scalar.PLAIN && typeof value === 'string';
      return new MergeTag(tag, plain ? this.plainScalar(value) : value);
    }
    return value;
  }

  private buildUntagged(node: Node, path: ModelPath, printed: string): RawValue {
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (!target) return this.error(path, `unknown alias *${node.source}`, node);
      if (this.expanding.has(target)) return this.error(path, `alias *${node.source} refers to itself`, node);
      this.expanding.add(target);
      this.aliasDepth++;
      try {
        return this.buildUntagged(target, path, printed);
      } finally {
        this.aliasDepth--;
        this.expanding.delete(target);
      }
    }
    if (isScalar(node)) return this.scalar(node);
    if (isSeq(node)) return node.items.map((item, i) => this.build(item as Node, [...path, i], childPath(printed, i)));
    if (isMap(node)) return this.map(node, path, printed);
    return this.error(path, 'unsupported YAML node', node);
  }

  private map(node: { items: { key: unknown; value: unknown }[] }, path: ModelPath, printed: string): RawMap {
    const out: RawMap = Object.create(null) as RawMap;
    const merged: RawMap[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? keyNode.value : undefined;
      if (isScalar(keyNode) && keyNode.type === Scalar.PLAIN && key === '<<') {
        merged.push(...this.mergeSources(pair.value as Node, path, printed));
        continue;
      }
      if (key === null || key === undefined || typeof key === 'object') {
        this.error(path, 'mapping keys must be plain strings or numbers', keyNode ?? undefined);
        continue;
      }
      const name = String(key);
      const keyPos = this.at(keyNode?.range?.[0] ?? 0);
      out[name] = this.build(pair.value as Node, [...path, name], childPath(printed, name), keyPos);
    }
    // Merge keys (`<<: *defaults`) never override keys written explicitly in the mapping.
    for (const src of merged) {
      for (const [k, v] of Object.entries(src)) if (!(k in out)) out[k] = v;
    }
    return out;
  }

  private mergeSources(value: Node, path: ModelPath, printed: string): RawMap[] {
    const built = this.build(value, [...path, '<<'], childPath(printed, '<<'));
    const list = Array.isArray(built) ? built : [built];
    const maps: RawMap[] = [];
    for (const m of list) {
      if (isRawMap(m)) maps.push(m);
      else this.error(path, 'a merge key (<<) must refer to a mapping or a list of mappings', value);
    }
    return maps;
  }

  private scalar(node: Scalar): RawValue {
    const v = node.value;
    if (typeof v === 'number' && node.type === Scalar.PLAIN && node.range) {
      // YAML 1.1 octal (`mode: 0440`) as Compose's Go YAML reads it.
      const src = this.text.slice(node.range[0], node.range[1]);
      if (/^0[0-7]+$/.test(src)) return parseInt(src, 8);
    }
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    if (typeof v === 'bigint') return Number(v);
    return String(v);
  }

  private plainScalar(text: string): RawValue {
    const v: unknown = parse(text);
    return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : text;
  }

  private error(path: ModelPath, message: string, node?: Node | null): null {
    const pos = this.at(node?.range?.[0] ?? 0);
    this.diagnostics.push({ severity: 'error', path: pathToString(path), message, pos });
    return null;
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function formatMiB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** Decodes UTF-8 text; rejects NUL bytes and invalid UTF-8 with the offset that gave it away. */
function decodeText(bytes: Buffer): string | { reason: string } {
  const nul = bytes.indexOf(0);
  if (nul !== -1) return { reason: `NUL byte at offset ${nul}` };
  try {
    let text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return text;
  } catch {
    return { reason: 'invalid UTF-8' };
  }
}
