/**
 * How an unexpected error is logged everywhere: its name and its "at ..." frames, which say where it broke, never its
 * message or the stack's first line, which may carry a secret or a payload the failing code held.
 */
export function describeUnexpected(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  return [error.name, ...frames].join('\n');
}
