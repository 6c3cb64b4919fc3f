/** NetSuite's REST error envelope (RFC 9110 problem type plus `o:errorDetails`). */
export function netsuiteError(status: number, title: string, detail: string, code: string): object {
  const section = status === 401 ? 2 : status === 404 ? 5 : status === 429 ? 29 : 1;
  return {
    type: `https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.${section}`,
    title,
    status,
    'o:errorDetails': [{ detail, 'o:errorCode': code }],
  };
}

export const INVALID_LOGIN = netsuiteError(
  401,
  'Unauthorized',
  'Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.',
  'INVALID_LOGIN',
);

// REST web services answer 429 past the account's concurrency limit; the o:errorCode is UNVERIFIED (a sandbox choice).
export const CONCURRENCY_REFUSED = netsuiteError(
  429,
  'Too Many Requests',
  'The request could not be processed because the account concurrency limit was exceeded.',
  'CONCURRENCY_LIMIT_EXCEEDED',
);

export const invalidParameter = (detail: string): object =>
  netsuiteError(400, 'Bad Request', detail, 'INVALID_PARAMETER');
export const notFound = (detail: string): object => netsuiteError(404, 'Not Found', detail, 'NONEXISTENT_ID');

/** The account id as the TBA realm writes it (`1234567_SB1`), from either form. */
export const canonicalAccount = (id: string): string => id.toUpperCase().replaceAll('-', '_');
