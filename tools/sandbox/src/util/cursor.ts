/** Opaque cursors: base64url JSON. Opaque to clients, readable to us; validated on the way back in. */
export function encodeCursor(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Reads a numeric field of a decoded cursor. */
export function cursorNumber(cursor: Record<string, unknown>, key: string): number | undefined {
  const value = cursor[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
