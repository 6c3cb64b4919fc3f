import { proxyForwardedHeaders } from '@shelflink/contracts';
import { UsageError } from '../command.js';

// RFC 9110 §5.6.2 token characters: what a header name may hold.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const CONTROL = /[\u0000-\u001f\u007f]/;
const forwarded: ReadonlySet<string> = new Set(proxyForwardedHeaders);

/**
 * `--header 'Name: value'` (repeatable) as the proxy request's headers, lower-cased. A header the proxy would drop
 * (auth, cookies, host, anything off its allow-list) is refused here, so the operator learns it was not sent.
 */
export function proxyHeaders(lines: readonly string[] = []): Record<string, string> | undefined {
  if (lines.length === 0) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, Math.max(colon, 0)).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (!HEADER_NAME.test(name)) throw new UsageError(`--header takes 'Name: value', not ${JSON.stringify(line)}`);
    if (!forwarded.has(name))
      throw new UsageError(
        `--header ${name} is not sent by the proxy (auth is its own); it forwards ${proxyForwardedHeaders.join(', ')}`,
      );
    if (CONTROL.test(value)) throw new UsageError(`--header ${name} holds a control character`);
    headers[name] = value;
  }
  return headers;
}
