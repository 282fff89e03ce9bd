// A lone .json dropped on the page is either a model architecture (goes to a side) or a mapping
// document (replaces the mapping); the content tells which.

/** A mapping document, not a model architecture: it has links and no Keras class envelope. */
export function looksLikeMapping(text: string): boolean {
  try {
    const json: unknown = JSON.parse(text);
    if (Array.isArray(json)) return json.every((pair) => Array.isArray(pair) && pair.length === 2);
    if (typeof json !== 'object' || json === null) return false;
    const record = json as Record<string, unknown>;
    return (
      'links' in record && !('class_name' in record) && !('config' in record) && !('model_config' in record)
    );
  } catch {
    return false;
  }
}
