/** How one tenant-supplied URL placeholder is validated and rendered. */
export interface UrlPartSpec {
  /** Anchored pattern (`^…$`, no `g`/`y` flag) the raw value must match in full. */
  readonly pattern: RegExp;
  /** What a valid value looks like, for error messages. */
  readonly description: string;
  /** Turns the validated value into the text placed in the URL (for example NetSuite's hostname form). */
  readonly render?: (value: string) => string;
}

/** Placeholder name → spec. */
export type UrlPartSpecs = Readonly<Record<string, UrlPartSpec>>;

/** Values for placeholders, usually from the connection record. */
export type UrlParams = Readonly<Record<string, string | undefined>>;

/** `{shop}`: `name.myshopify.com`, lowercase ASCII only (one DNS label of at most 63 characters). */
export const SHOP_PART: UrlPartSpec = {
  pattern: /^[a-z0-9][a-z0-9-]{0,62}\.myshopify\.com$/,
  description: 'a lowercase <name>.myshopify.com domain',
};

/**
 * `{accountId}`: NetSuite account id such as `1234567`, `1234567_SB1` (sandbox) or `1234567_RP` (release preview),
 * case-insensitive. TSTDRV test-drive and `_RP` forms are our addition from NetSuite's account types (UNVERIFIED in
 * PROVIDERS.md). Rendered in hostname form: lowercase, `_` → `-` (`1234567-sb1`).
 */
export const NETSUITE_ACCOUNT_PART: UrlPartSpec = {
  pattern: /^(?:TSTDRV)?[0-9]{1,12}(?:_(?:SB|RP)[0-9]{0,3})?$/i,
  description: 'a NetSuite account id such as 1234567 or 1234567_SB1',
  render: (value) => netsuiteHostId(value),
};

/** `{cloudId}`: an Atlassian site id, a lowercase UUID. */
export const ATLASSIAN_CLOUD_ID_PART: UrlPartSpec = {
  pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  description: 'a lowercase UUID (Atlassian cloudId)',
};

const CELIGO_REGION_HOSTS: Readonly<Record<string, string>> = { na: 'api', eu: 'api.eu' };

/** `{region}`: Celigo region `na` or `eu`, rendered as the API host label (`api`, `api.eu`). */
export const CELIGO_REGION_PART: UrlPartSpec = {
  pattern: /^(?:na|eu)$/,
  description: 'one of na, eu',
  render: (value) => CELIGO_REGION_HOSTS[value] ?? value,
};

/** NetSuite hostname form of an account id: `1234567_SB1` → `1234567-sb1`. */
export function netsuiteHostId(accountId: string): string {
  return accountId.toLowerCase().replace(/_/g, '-');
}

/** NetSuite TBA realm form of an account id: `1234567-sb1` or `1234567_sb1` → `1234567_SB1`. */
export function netsuiteRealm(accountId: string): string {
  return accountId.toUpperCase().replace(/-/g, '_');
}
