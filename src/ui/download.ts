// Hands a Blob to the browser as a download; the object URL is released once the click has been dispatched.

export function saveDownload(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.style.display = 'none';
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Files from an <input type=file> or a drop, in the form the stores take. */
export function pickedFiles(
  files: FileList | readonly File[] | null,
): { name: string; size: number; blob: Blob }[] {
  return files ? Array.from(files, (file) => ({ name: file.name, size: file.size, blob: file })) : [];
}
