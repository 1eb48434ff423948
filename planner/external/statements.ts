// Pyralog's own statements, recognised before libpg-query sees the text:
//   CREATE EXTERNAL TABLE [IF NOT EXISTS] name [(col type, …)] STORED AS PARQUET
//     LOCATION '<file | directory | glob>' [PARTITIONED BY (col type, …)]
//   DROP EXTERNAL TABLE [IF EXISTS] name [, …] [CASCADE | RESTRICT]
//   COPY (query) | table [(cols)] TO '<path>' [WITH] FORMAT PARQUET
//     [COMPRESSION codec [(level = n)]] [ROW_GROUP_SIZE n] [FILE_SIZE_BYTES n]
// Anything else returns undefined and goes to libpg-query unchanged. Column types stay as the
// text the user wrote (resolved later with the standard type-name rules); a COPY's inner query
// stays as its text span (parsed later by libpg-query, never handed to DuckDB).
import { DbError } from '../../catalog/index.js';
import { tokenize, syntaxError, type Token } from './lexer.js';

export interface QualifiedName {
  schema: string | undefined;
  name: string;
}

export interface ColumnDef {
  name: string;
  /** The type as written (`numeric(12,2)`, `timestamp with time zone`, `"MyType"`). */
  typeText: string;
  /** libpg-query's TypeName node when the column came through PostgreSQL's spelling. */
  typeName?: unknown;
  pos: number;
}

export type ParquetCodecName = 'zstd' | 'snappy' | 'gzip' | 'lz4' | 'brotli' | 'uncompressed';

export interface ParquetCopyOptions {
  codec: ParquetCodecName;
  level: number | undefined;
  rowGroupSize: number | undefined;
  fileSizeBytes?: number | undefined;
}

export type ExternalStatement =
  | {
      kind: 'createExternalTable';
      name: QualifiedName;
      ifNotExists: boolean;
      /** Undefined: discover from the files. */
      columns: ColumnDef[] | undefined;
      format: 'parquet';
      location: string;
      partitionedBy: ColumnDef[];
    }
  | { kind: 'dropExternalTable'; names: QualifiedName[]; ifExists: boolean; behavior: 'restrict' | 'cascade' }
  | {
      kind: 'copyToParquet';
      source: { kind: 'query'; text: string } | { kind: 'table'; name: QualifiedName; columns: string[] | undefined };
      target: string;
      options: ParquetCopyOptions;
    };

export class Cursor {
  i = 0;
  constructor(
    readonly toks: Token[],
    readonly src: string,
  ) {}
  peek(k = 0): Token {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)]!;
  }
  next(): Token {
    const t = this.peek();
    if (this.i < this.toks.length - 1) this.i++;
    return t;
  }
  isWord(w: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'word' && t.upper === w;
  }
  isPunct(p: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'punct' && t.text === p;
  }
  word(w: string): void {
    if (!this.isWord(w)) throw syntaxError(this.peek(), this.src);
    this.next();
  }
  punct(p: string): void {
    if (!this.isPunct(p)) throw syntaxError(this.peek(), this.src);
    this.next();
  }
  optWord(w: string): boolean {
    if (!this.isWord(w)) return false;
    this.next();
    return true;
  }
  ident(): string {
    const t = this.peek();
    if (t.kind === 'word' || t.kind === 'ident') {
      this.next();
      return t.text;
    }
    throw syntaxError(t, this.src);
  }
  string(): string {
    const t = this.peek();
    if (t.kind !== 'string') throw syntaxError(t, this.src);
    this.next();
    return t.text;
  }
  int(): number {
    const t = this.peek();
    if (t.kind !== 'number') throw syntaxError(t, this.src);
    this.next();
    const v = Number(t.text);
    if (!Number.isSafeInteger(v)) throw new DbError('22003', `value "${t.text}" is out of range for type integer`, { position: t.pos });
    return v;
  }
  end(): void {
    if (this.isPunct(';')) this.next();
    if (this.peek().kind !== 'eof') throw syntaxError(this.peek(), this.src);
  }
}

/** Recognises one of Pyralog's statements; undefined means "standard SQL, use libpg-query". */
export function parseExternalStatement(text: string): ExternalStatement | undefined {
  // Cheap pre-check so ordinary statements never pay for tokenising.
  if (!/^\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*(create|drop|copy)\b/i.test(text)) return undefined;
  if (!/\bexternal\b|\bformat\s+parquet\b/i.test(text)) return undefined;
  const toks = tokenize(text);
  const c = new Cursor(toks, text);
  if (c.isWord('CREATE') && c.isWord('EXTERNAL', 1)) return createExternal(c);
  if (c.isWord('DROP') && c.isWord('EXTERNAL', 1)) return dropExternal(c);
  if (c.isWord('COPY')) return seedCopy(c);
  return undefined;
}

function qualifiedName(c: Cursor): QualifiedName {
  const first = c.ident();
  if (c.isPunct('.')) {
    c.next();
    return { schema: first, name: c.ident() };
  }
  return { schema: undefined, name: first };
}

export function columnDefs(c: Cursor): ColumnDef[] {
  c.punct('(');
  const cols: ColumnDef[] = [];
  for (;;) {
    const pos = c.peek().pos;
    const name = c.ident();
    const typeStart = c.peek();
    if (typeStart.kind === 'eof' || c.isPunct(',') || c.isPunct(')')) throw syntaxError(typeStart, c.src);
    // The type runs to the next top-level ',' or ')'.
    let depth = 0;
    let last = typeStart;
    while (!(depth === 0 && (c.isPunct(',') || c.isPunct(')')))) {
      const t = c.next();
      if (t.kind === 'eof') throw syntaxError(t, c.src);
      if (t.kind === 'punct' && t.text === '(') depth++;
      if (t.kind === 'punct' && t.text === ')') depth--;
      last = t;
    }
    cols.push({ name, typeText: c.src.slice(typeStart.pos - 1, last.end - 1), pos });
    if (c.isPunct(',')) {
      c.next();
      continue;
    }
    c.punct(')');
    break;
  }
  const seen = new Set<string>();
  for (const col of cols) {
    if (seen.has(col.name)) throw new DbError('42701', `column "${col.name}" specified more than once`, { position: col.pos });
    seen.add(col.name);
  }
  return cols;
}

function createExternal(c: Cursor): ExternalStatement {
  c.word('CREATE');
  c.word('EXTERNAL');
  c.word('TABLE');
  let ifNotExists = false;
  if (c.isWord('IF')) {
    c.next();
    c.word('NOT');
    c.word('EXISTS');
    ifNotExists = true;
  }
  const name = qualifiedName(c);
  const columns = c.isPunct('(') ? columnDefs(c) : undefined;
  c.word('STORED');
  c.word('AS');
  const fmt = c.peek();
  if (!c.isWord('PARQUET')) {
    if (fmt.kind === 'word') {
      throw new DbError('0A000', `external table format "${fmt.text}" is not supported`, {
        position: fmt.pos,
        hint: 'Supported: STORED AS PARQUET.',
      });
    }
    throw syntaxError(fmt, c.src);
  }
  c.next();
  c.word('LOCATION');
  const location = c.string();
  let partitionedBy: ColumnDef[] = [];
  if (c.optWord('PARTITIONED')) {
    c.word('BY');
    partitionedBy = columnDefs(c);
  }
  c.end();
  for (const p of partitionedBy) {
    if (columns?.some((col) => col.name === p.name)) {
      throw new DbError('42701', `column "${p.name}" specified more than once`, { position: p.pos });
    }
  }
  return { kind: 'createExternalTable', name, ifNotExists, columns, format: 'parquet', location, partitionedBy };
}

function dropExternal(c: Cursor): ExternalStatement {
  c.word('DROP');
  c.word('EXTERNAL');
  c.word('TABLE');
  let ifExists = false;
  if (c.isWord('IF')) {
    c.next();
    c.word('EXISTS');
    ifExists = true;
  }
  const names = [qualifiedName(c)];
  while (c.isPunct(',')) {
    c.next();
    names.push(qualifiedName(c));
  }
  let behavior: 'restrict' | 'cascade' = 'restrict';
  if (c.optWord('CASCADE')) behavior = 'cascade';
  else c.optWord('RESTRICT');
  c.end();
  return { kind: 'dropExternalTable', names, ifExists, behavior };
}

const CODECS: readonly ParquetCodecName[] = ['zstd', 'snappy', 'gzip', 'lz4', 'brotli', 'uncompressed'];

/** The seed's COPY spelling; PostgreSQL's `(FORMAT parquet, …)` spelling is left to libpg-query. */
function seedCopy(c: Cursor): ExternalStatement | undefined {
  c.word('COPY');
  let source: Extract<ExternalStatement, { kind: 'copyToParquet' }>['source'];
  if (c.isPunct('(')) {
    const open = c.next();
    let depth = 1;
    let close: Token = open;
    while (depth > 0) {
      const t = c.next();
      if (t.kind === 'eof') throw syntaxError(t, c.src);
      if (t.kind === 'punct' && t.text === '(') depth++;
      if (t.kind === 'punct' && t.text === ')') depth--;
      close = t;
    }
    source = { kind: 'query', text: c.src.slice(open.end - 1, close.pos - 1).trim() };
  } else {
    const name = qualifiedName(c);
    let columns: string[] | undefined;
    if (c.isPunct('(')) {
      c.next();
      columns = [c.ident()];
      while (c.isPunct(',')) (c.next(), columns.push(c.ident()));
      c.punct(')');
    }
    source = { kind: 'table', name, columns };
  }
  if (!c.isWord('TO')) return undefined; // COPY … FROM: standard path
  c.next();
  if (c.peek().kind !== 'string') return undefined; // TO STDOUT / PROGRAM: standard path
  const target = c.string();
  c.optWord('WITH');
  if (!c.isWord('FORMAT')) return undefined; // `(FORMAT parquet, …)` is PostgreSQL's spelling
  c.next();
  if (!c.isWord('PARQUET')) return undefined; // FORMAT csv etc.: not ours, libpg-query's error stands
  c.next();
  const options: ParquetCopyOptions = { codec: 'zstd', level: undefined, rowGroupSize: undefined };
  for (;;) {
    if (c.optWord('COMPRESSION')) {
      const t = c.peek();
      const codec = c.ident().toLowerCase();
      if (!(CODECS as readonly string[]).includes(codec)) {
        throw new DbError('22023', `COPY compression "${codec}" is not recognized`, { position: t.pos, hint: `Supported: ${CODECS.join(', ')}.` });
      }
      options.codec = codec as ParquetCodecName;
      if (c.isPunct('(')) {
        c.next();
        c.word('LEVEL');
        c.punct('=');
        const lt = c.peek();
        options.level = c.int();
        c.punct(')');
        if (codec !== 'zstd') throw new DbError('22023', `COPY compression "${codec}" does not take a level`, { position: lt.pos });
      }
    } else if (c.optWord('ROW_GROUP_SIZE')) {
      options.rowGroupSize = c.int();
    } else if (c.optWord('FILE_SIZE_BYTES')) {
      options.fileSizeBytes = c.int();
    } else break;
  }
  c.end();
  return { kind: 'copyToParquet', source, target, options };
}

/**
 * For the SQL parser's error path: when libpg-query rejects a text that is one of Pyralog's own
 * statements, the statement is refused with 0A000 instead of a syntax error at EXTERNAL/FORMAT,
 * until the statement is wired into the SQL engine. A syntax error inside our own grammar is
 * returned as that 42601. Undefined: not ours (report libpg-query's error).
 */
export function unwiredExternalStatementError(text: string): DbError | undefined {
  let s: ExternalStatement | undefined;
  try {
    s = parseExternalStatement(text);
  } catch (e) {
    if (e instanceof DbError) return e;
    throw e;
  }
  if (!s) return undefined;
  const what =
    s.kind === 'createExternalTable' ? 'CREATE EXTERNAL TABLE' : s.kind === 'dropExternalTable' ? 'DROP EXTERNAL TABLE' : 'COPY … FORMAT PARQUET';
  return new DbError('0A000', `${what} is not supported yet`, {
    detail: 'External Parquet tables are built (external/, planner/external/) but not yet wired into SQL statements.',
  });
}
