import type { FaultShapes } from '../sandbox-context.js';

/** Square's error body: `{"errors":[{"category","code","detail","field"?}]}`. */
export function squareError(category: string, code: string, detail: string, field?: string): { errors: object[] } {
  return { errors: [field === undefined ? { category, code, detail } : { category, code, detail, field }] };
}

export const invalidRequest = (code: string, detail: string, field?: string): { errors: object[] } =>
  squareError('INVALID_REQUEST_ERROR', code, detail, field);

export const squareFaultShapes: FaultShapes = {
  server: (status) =>
    squareError('API_ERROR', status === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR', 'Simulated failure.'),
  rateLimited: () => squareError('RATE_LIMIT_ERROR', 'RATE_LIMITED', 'Too many requests.'),
  cursorExpired: () => ({
    status: 400,
    body: invalidRequest('INVALID_CURSOR', 'The cursor is invalid or expired.', 'cursor'),
  }),
};
