import { ProviderError } from '../providers.errors.js';
import type { UrlParams, UrlPartSpecs } from './url-parts.js';

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;
const AUTHORITY = /^(https?):\/\/([^/?#]*)/;
const MAX_PART_LENGTH = 255;

/** Options of {@link buildProviderUrl}. */
export interface BuildUrlOptions {
  /** Allow `http:` when the host is loopback (sandbox overrides from configuration). Default false. */
  readonly allowLoopbackHttp?: boolean;
}

/**
 * Fills a URL template such as `https://{shop}/admin/oauth/authorize`. Every placeholder value is checked against
 * its spec before substitution; afterwards the URL's origin must equal the template's scheme and authority with
 * the validated parts filled in (so an override's origin is what is expected). Throws {@link ProviderError}
 * `INVALID_URL_PART`, `INVALID_URL_TEMPLATE` or `URL_ORIGIN_MISMATCH`.
 */
export function buildProviderUrl(
  template: string,
  params: UrlParams,
  specs: UrlPartSpecs,
  options: BuildUrlOptions = {},
): string {
  const authority = AUTHORITY.exec(template);
  if (!authority) throw new ProviderError('INVALID_URL_TEMPLATE', 'url template must start with http:// or https://');
  const fill = (text: string): string =>
    text.replace(PLACEHOLDER, (_m, name: string) => renderPart(name, params, specs));
  const result = fill(template);
  if (/[{}]/.test(result)) throw new ProviderError('INVALID_URL_TEMPLATE', 'url template has an unbalanced brace');
  const expectedOrigin = fill(authority[0]).toLowerCase();
  let url: URL;
  try {
    url = new URL(result);
  } catch {
    throw new ProviderError('URL_ORIGIN_MISMATCH', 'url does not parse after substitution');
  }
  if (url.origin !== expectedOrigin || url.username !== '' || url.password !== '') {
    throw new ProviderError('URL_ORIGIN_MISMATCH', 'url origin differs from the template origin after substitution');
  }
  if (url.protocol === 'http:' && !(options.allowLoopbackHttp === true && isLoopbackHost(url.hostname))) {
    throw new ProviderError('URL_ORIGIN_MISMATCH', 'http is allowed only for loopback hosts from configuration');
  }
  return url.href;
}

/** Validates one placeholder value without building a URL; throws `INVALID_URL_PART` naming the placeholder. */
export function validateUrlPart(name: string, value: string | undefined, specs: UrlPartSpecs): string {
  return renderPart(name, { [name]: value }, specs);
}

/** Placeholder names used in a template, in order of first use. */
export function templatePlaceholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))];
}

/** Whether a hostname is loopback: `localhost`, `127.0.0.0/8` or `[::1]`. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

function renderPart(name: string, params: UrlParams, specs: UrlPartSpecs): string {
  const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
  if (!spec) throw new ProviderError('INVALID_URL_PART', `url placeholder {${name}} is not allowed for this provider`);
  const value = Object.hasOwn(params, name) ? params[name] : undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_PART_LENGTH) {
    throw new ProviderError('INVALID_URL_PART', `url placeholder {${name}} is missing; expected ${spec.description}`);
  }
  // Full-match check guards against a spec written without anchors.
  const match = value.match(spec.pattern);
  if (!match || match.index !== 0 || match[0] !== value) {
    throw new ProviderError('INVALID_URL_PART', `url placeholder {${name}} is invalid; expected ${spec.description}`);
  }
  return spec.render ? spec.render(value) : value;
}
