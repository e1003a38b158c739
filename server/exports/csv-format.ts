// How every CSV file the app writes is laid out, so Excel opens each one the same way: a BOM, which
// tells Excel the file is UTF-8, and CRLF, RFC 4180's record separator.
export const CSV_FILE_OPTIONS = { bom: true, record_delimiter: 'windows' } as const;
