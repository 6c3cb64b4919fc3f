import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Family } from '../oauth/token-store.js';
import { bearerOf, noteAuth, type SandboxState } from '../sandbox-context.js';
import { squareError } from './square-errors.js';
import type { SquareContext } from './square-render.js';

/** Authenticates a Square API call; answers 401 itself and returns undefined when the token is not usable. */
export function requireSquareToken(
  state: SandboxState,
  request: FastifyRequest,
  reply: FastifyReply,
): Family | undefined {
  const token = bearerOf(request);
  noteAuth(request, 'bearer', token);
  const result = token ? state.tokens.authenticate('square', token) : undefined;
  if (result?.ok) return result.family;
  const code =
    result?.reason === 'expired'
      ? 'ACCESS_TOKEN_EXPIRED'
      : result?.reason === 'revoked'
        ? 'ACCESS_TOKEN_REVOKED'
        : 'UNAUTHORIZED';
  void reply.code(401).send(squareError('AUTHENTICATION_ERROR', code, 'This request could not be authorized.'));
  return undefined;
}

/** The merchant's rendering context for an authenticated call. */
export function squareContext(state: SandboxState, family: Family): SquareContext {
  const account = state.registry.ensureAccount('square', family.account);
  return { merchantId: family.account, tag: account.tag, data: state.registry.dataset(account) };
}

type Handler = (
  ctx: SquareContext,
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<FastifyReply> | FastifyReply;

/** Wraps a handler with Square bearer authentication. */
export function authed(state: SandboxState, handler: Handler) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const family = requireSquareToken(state, request, reply);
    if (!family) return reply;
    return handler(squareContext(state, family), request, reply);
  };
}
