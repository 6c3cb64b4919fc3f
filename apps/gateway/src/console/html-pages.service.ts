import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/** Strict headers for every page the gateway serves: no inline script or style, no framing, no referrer. */
export const pageSecurityHeaders: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML: every character that could open markup or end an attribute is escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => escapes[char] ?? char);
}

/** Plain server-rendered pages (OAuth results, errors) in the console's style; content is escaped text only. */
@Injectable()
export class HtmlPages {
  send(reply: FastifyReply, status: number, title: string, lines: { text: string; href?: string }[]): void {
    const body = lines
      .map((line) =>
        line.href === undefined
          ? `<p>${escapeHtml(line.text)}</p>`
          : `<p><a href="${escapeHtml(line.href)}">${escapeHtml(line.text)}</a></p>`,
      )
      .join('\n');
    void reply
      .status(status)
      .headers({ ...pageSecurityHeaders, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      .send(
        `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Shelflink</title>` +
          `<meta name="viewport" content="width=device-width, initial-scale=1">` +
          `<link rel="stylesheet" href="/console/console.css"></head>\n` +
          `<body><main class="result"><h1>${escapeHtml(title)}</h1>\n${body}\n</main></body></html>\n`,
      );
  }

  /** Browsers ask for text/html first; API clients (and the JSON tests) get JSON as before. */
  wantsHtml(accept: string | undefined): boolean {
    return accept !== undefined && accept.includes('text/html') && !accept.includes('application/json');
  }
}
