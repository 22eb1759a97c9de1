/** Offer text as a file download (works in every browser, needs no permission). */
export function downloadText(fileName: string, text: string, type = 'text/markdown;charset=utf-8'): void {
  downloadBlob(fileName, new Blob([text], { type }));
}

/** Offer bytes as a file download. */
export function downloadBytes(fileName: string, bytes: Uint8Array, type = 'application/octet-stream'): void {
  downloadBlob(fileName, new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
}

function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

interface SaveFilePicker {
  showSaveFilePicker(options: { suggestedName: string; types: { description: string; accept: Record<string, string[]> }[] }): Promise<FileSystemFileHandle>;
}

/** Save through the File System Access API where the browser has it; falls back to a download. */
export async function saveTextToFile(fileName: string, text: string): Promise<void> {
  const w = window as unknown as Partial<SaveFilePicker>;
  if (!w.showSaveFilePicker) return downloadText(fileName, text);
  try {
    const handle = await w.showSaveFilePicker({ suggestedName: fileName, types: [{ description: 'Assay notebook', accept: { 'text/markdown': ['.md'] } }] });
    const writable = await handle.createWritable();
    await writable.write(text);
    await writable.close();
  } catch (error) {
    if ((error as Error).name !== 'AbortError') throw error;
  }
}
