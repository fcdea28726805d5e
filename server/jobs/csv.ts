/**
 * A small CSV reader for inputs uploads (RFC 4180: quoted fields, doubled
 * quotes, commas and newlines inside quotes). The first row names the
 * columns; each later row becomes an object, with numeric cells as numbers.
 */
export class CsvRows {
  private header: string[] | null = null;
  private field = '';
  private row: string[] = [];
  private quoted = false;
  private afterQuote = false;
  /** 1-based line where the row being read started. */
  private rowLine = 1;
  private line = 1;

  /** Feeds text; returns the complete rows it finished, with their line numbers. */
  push(
    text: string,
  ): { line: number; value: Record<string, string | number> }[] {
    const out: { line: number; value: Record<string, string | number> }[] = [];
    for (const ch of text) {
      if (this.quoted) {
        if (ch === '"') {
          this.quoted = false;
          this.afterQuote = true;
        } else {
          if (ch === '\n') this.line++;
          this.field += ch;
        }
        continue;
      }
      if (ch === '"') {
        if (this.afterQuote) this.field += '"';
        else if (this.field.length > 0)
          throw new CsvError(this.line, 'a quote inside an unquoted field');
        this.quoted = true;
        this.afterQuote = false;
        continue;
      }
      this.afterQuote = false;
      if (ch === ',') {
        this.row.push(this.field);
        this.field = '';
      } else if (ch === '\n') {
        this.endRow(out);
        this.line++;
        this.rowLine = this.line;
      } else if (ch !== '\r') {
        this.field += ch;
      }
    }
    return out;
  }

  /** Finishes the last row, if the text did not end with a newline. */
  end(): { line: number; value: Record<string, string | number> }[] {
    if (this.quoted)
      throw new CsvError(this.rowLine, 'a quoted field is never closed');
    const out: { line: number; value: Record<string, string | number> }[] = [];
    if (this.field.length > 0 || this.row.length > 0) this.endRow(out);
    return out;
  }

  private endRow(
    out: { line: number; value: Record<string, string | number> }[],
  ): void {
    this.row.push(this.field);
    this.field = '';
    const cells = this.row;
    this.row = [];
    if (cells.length === 1 && cells[0] === '') return;
    if (!this.header) {
      this.header = cells.map((c) => c.trim());
      return;
    }
    if (cells.length !== this.header.length) {
      throw new CsvError(
        this.rowLine,
        `has ${cells.length} fields; the header has ${this.header.length}`,
      );
    }
    const value: Record<string, string | number> = {};
    this.header.forEach((name, i) => {
      const cell = cells[i]!;
      const n = Number(cell);
      value[name] = cell.trim() !== '' && Number.isFinite(n) ? n : cell;
    });
    out.push({ line: this.rowLine, value });
  }
}

export class CsvError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}
