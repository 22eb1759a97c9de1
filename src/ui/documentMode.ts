/** Context key under which a notebook view tells its outputs whether they are drawn as a document (readout, print). */
export const DOCUMENT_CONTEXT = Symbol('assay-document');

/** What outputs may ask of the document they are in. */
export interface DocumentMode {
  readonly readout: boolean;
}

/** Rows a table shows in a readout (and so prints); the rest are in the export. */
export const DOCUMENT_ROW_CAP = 200;
