/**
 * Rows per multi-row INSERT in an import: at 6 parameters a row, 500 rows stay far below
 * PostgreSQL's 65,535 parameters a statement, and one statement's text stays a few hundred KB.
 */
export const ROWS_PER_STATEMENT = 500;
