import { AssayError } from '../../core/errors';

/**
 * The lines of a Blob, decoded as strict UTF-8 and streamed (the file is never one string).
 * Yields [lineNumber (1-based), text] with the line ending removed; a BOM is dropped.
 */
export async function* textLines(file: Blob, fileName: string): AsyncGenerator<[number, string]> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const reader = file.stream().getReader();
  let carry = '';
  let lineNo = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      let text: string;
      try {
        text = done ? decoder.decode() : decoder.decode(value, { stream: true });
      } catch (cause) {
        throw new AssayError('input', `is not valid UTF-8 text (after line ${lineNo})`, { subject: fileName, cause });
      }
      carry += text;
      let nl: number;
      while ((nl = carry.indexOf('\n')) >= 0) {
        const line = carry.slice(0, nl);
        carry = carry.slice(nl + 1);
        yield [++lineNo, line.endsWith('\r') ? line.slice(0, -1) : line];
      }
      if (done) break;
    }
    if (carry.length > 0) yield [++lineNo, carry.endsWith('\r') ? carry.slice(0, -1) : carry];
  } finally {
    reader.releaseLock();
  }
}
