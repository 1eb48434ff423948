// COPY … FROM STDIN through node-postgres: a Submittable that sends its data as CopyData frames
// (or lets `onCopy` drive the connection itself) and settles with the last CommandComplete tag.
// Shared by the COPY e2e suites (ingest, published ingest and its review).
import type pg from 'pg';

/** The part of node-postgres's connection a Submittable drives during COPY. */
export interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(b: Buffer): void;
  endCopyFrom(): void;
  stream: { destroy(): void };
}

/** Bytes of one CopyData frame the helpers send. */
const CHUNK_BYTES = 60_000;

/** `data` cut into CopyData-sized chunks. */
export function copyChunks(data: string | Buffer): Buffer[] {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  const chunks: Buffer[] = [];
  for (let off = 0; off < buf.length; off += CHUNK_BYTES) chunks.push(buf.subarray(off, off + CHUNK_BYTES));
  return chunks;
}

export class CopyIn {
  private tag = '';
  /** Tags and data rows of every statement of the Query, in order. */
  readonly results: (string | unknown[])[] = [];
  readonly done: Promise<string>;
  private settle!: { resolve: (t: string) => void; reject: (e: Error) => void };
  constructor(readonly text: string, private readonly chunks: Buffer[], private readonly onCopy?: (con: CopyConnection) => void) {
    this.done = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
  }
  submit(con: CopyConnection): void {
    con.query(this.text);
  }
  handleCopyInResponse(con: CopyConnection): void {
    if (this.onCopy) return this.onCopy(con);
    for (const c of this.chunks) con.sendCopyFromChunk(c);
    con.endCopyFrom();
  }
  handleCommandComplete(msg: { text: string }): void {
    this.tag = msg.text;
    this.results.push(msg.text);
  }
  // node-postgres forgets the query at an ErrorResponse (no handleReadyForQuery follows), so the
  // first error settles it. An error after a CommandComplete keeps the tag it followed
  // (`afterTag`: PostgreSQL never sends both for one statement).
  handleError(e: Error): void {
    if (this.tag !== '') (e as Error & { afterTag?: string }).afterTag = this.tag;
    this.settle.reject(e);
  }
  handleReadyForQuery(): void {
    this.settle.resolve(this.tag);
  }
  handleRowDescription(): void {}
  handleDataRow(msg: { fields: unknown[] }): void {
    this.results.push(msg.fields.map((f) => (f === null ? null : String(f))));
  }
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

/** Runs `text` (a COPY … FROM STDIN) on `c` with `data`; resolves with the CommandComplete tag. */
export function copyIn(c: pg.Client, text: string, data: string, onCopy?: (con: CopyConnection) => void): Promise<string> {
  const q = new CopyIn(text, copyChunks(data), onCopy);
  void c.query(q as unknown as pg.QueryConfig).catch?.(() => undefined);
  return q.done;
}
