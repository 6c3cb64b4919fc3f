import { ProviderError } from '../providers.errors.js';
import { isLoopbackHost, templatePlaceholders } from '../url/provider-url.js';

const SHAPE = /^(https?):\/\/([^/?#@\s]+)((?:[/?][^#\s]*)?)$/;

/** Replaces `{sandbox}` / `{gateway}` with configured base URLs; throws naming `field` when one is missing. */
export function substituteBases(
  value: string,
  field: string,
  bases: Readonly<Record<string, string | undefined>>,
): string {
  return value.replace(/\{(sandbox|gateway)\}/g, (_m, name: string) => {
    const base = bases[name];
    if (base === undefined) throw configError(`${field} uses {${name}} but no ${name} URL was given to the loader`);
    return base;
  });
}

/**
 * Checks a URL template from configuration: http(s) only, no userinfo or fragment, http only for a literal
 * loopback host, and only placeholders the provider declares.
 */
export function checkUrlTemplate(
  template: string,
  field: string,
  allowedPlaceholders: readonly string[],
): { loopbackHttp: boolean } {
  const match = SHAPE.exec(template);
  if (!match) throw configError(`${field} must be an http(s) URL template without credentials, spaces or fragment`);
  const unknown = templatePlaceholders(template).filter((name) => !allowedPlaceholders.includes(name));
  if (unknown.length > 0)
    throw configError(`${field} uses placeholder {${unknown[0] ?? ''}} which this provider does not define`);
  const authority = match[2] ?? '';
  if (match[1] === 'https') return { loopbackHttp: false };
  const host = authority.includes('{') ? '' : hostOf(authority);
  if (!isLoopbackHost(host))
    throw configError(`${field} may use http only for a loopback host (127.0.0.1, localhost, [::1])`);
  return { loopbackHttp: true };
}

/** Normalises a base URL option (`sandbox`, `gateway`): http(s), no query or fragment, no trailing slash. */
export function normalizeBaseUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw configError(`${name} URL is not a valid URL`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.search !== '' || url.hash !== '' || url.username !== '') {
    throw configError(`${name} URL must be http(s) without query, fragment or credentials`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
    throw configError(`${name} URL may use http only for a loopback host`);
  return url.href.replace(/\/+$/, '');
}

/** An `INVALID_PROVIDER_CONFIG` error; messages name field paths, never values. */
export function configError(message: string): ProviderError {
  return new ProviderError('INVALID_PROVIDER_CONFIG', `provider config: ${message}`);
}

function hostOf(authority: string): string {
  try {
    return new URL(`http://${authority}`).hostname;
  } catch {
    return '';
  }
}
