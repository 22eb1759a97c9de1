/** The file formats Assay opens. */
export type SourceFormat = 'parquet' | 'csv' | 'jsonl' | 'arrow';
