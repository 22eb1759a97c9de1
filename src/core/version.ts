/** The application name and version printed in provenance. */
export const APP_VERSION = 'Assay 0.1.0';
