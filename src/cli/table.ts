// Plain-text tables for terminal output: columns padded to their widest cell, numbers right-aligned.

export interface Column {
  title: string;
  align?: "left" | "right";
}

export function formatTable(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = columns.map((column, i) =>
    Math.max(column.title.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (cells: readonly string[]): string =>
    columns
      .map((column, i) => {
        const cell = cells[i] ?? "";
        const width = widths[i] ?? 0;
        return column.align === "right" ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  return [line(columns.map((c) => c.title)), ...rows.map(line)];
}

/** `formatTable` for rows of strings and numbers: a column of numbers only is right-aligned. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string[] {
  const columns = headers.map((title, c): Column => ({
    title,
    align: rows.length > 0 && rows.every((r) => typeof r[c] === "number") ? "right" : "left",
  }));
  return formatTable(
    columns,
    rows.map((r) => r.map(String)),
  );
}

/** Tables and messages: cents, or micro-dollars for amounts below a cent. */
export const usd = (n: number): string => `$${n.toFixed(n !== 0 && Math.abs(n) < 0.01 ? 6 : 2)}`;
/** `bpg quota`: every amount at the ledger's precision, so the column lines up and sums by eye. */
export const usdExact = (n: number): string => `$${n.toFixed(6)}`;
