import { Body, Controller, Delete, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HttpApiError } from '@shelflink/observability';
import { Clock } from '@shelflink/runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { validate } from '../bus/bus-error.mapper.js';
import { ApiZodBody } from '../openapi/zod-openapi.js';
import { AdminAuthGuard, CurrentPrincipal } from './admin-auth.guard.js';
import { ApiKeys, type AdminPrincipal } from './api-keys.service.js';
import { SessionCookies } from './session-cookies.service.js';

const signInBody = z.object({ apiKey: z.string().min(1).max(256) }).strict();

/**
 * Browser sessions for the admin API: an API key is exchanged for an httpOnly, SameSite=Strict cookie (Secure over
 * https) that expires; mutations then need the CSRF token this route returns. One tenant per session, the key's.
 */
@ApiTags('session')
@Controller('api/v1/session')
export class SessionController {
  constructor(
    private readonly sessions: SessionCookies,
    private readonly apiKeys: ApiKeys,
    private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Sign in: exchange an admin API key for a session cookie; returns the CSRF token' })
  @ApiZodBody(signInBody)
  async signIn(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    const { apiKey } = validate(signInBody, body);
    const principal = await this.apiKeys.validate(apiKey);
    const { value, session } = this.sessions.seal(apiKey, this.clock.now());
    void reply.header('set-cookie', this.sessions.header(request, value, this.sessions.ttlSeconds));
    return { tenantId: principal.tenantId, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
  }

  @Get()
  @UseGuards(AdminAuthGuard)
  @ApiOperation({ summary: "The session's tenant, CSRF token and expiry (401 when signed out)" })
  current(@Req() request: FastifyRequest, @CurrentPrincipal() principal: AdminPrincipal) {
    const session = this.sessions.open(request, this.clock.now());
    if (!session) throw new HttpApiError(401, 'UNAUTHENTICATED', 'No session: sign in');
    return { tenantId: principal.tenantId, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
  }

  @Delete()
  @HttpCode(204)
  @UseGuards(AdminAuthGuard)
  @ApiOperation({ summary: 'Sign out: clears the session cookie (needs the CSRF token)' })
  signOut(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): void {
    void reply.header('set-cookie', this.sessions.header(request, '', 0));
  }
}
