import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HttpApiError } from '@shelflink/observability';

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

export interface FormField {
  name: string;
  label: string;
  type?: 'text' | 'password' | 'hidden';
  value?: string;
  hint?: string;
}

/** What a page shows, top to bottom: paragraphs, links, an error (role alert) and at most a form or two. */
export type Block =
  | { text: string }
  | { text: string; href: string }
  | { error: string }
  | { form: { action: string; fields: FormField[]; submit: string } };

/** Plain server-rendered pages (OAuth results, the hosted Connect page, errors): escaped text, no script at all. */
@Injectable()
export class HtmlPages {
  send(reply: FastifyReply, status: number, title: string, blocks: Block[], head = ''): void {
    void reply
      .status(status)
      .headers({ ...pageSecurityHeaders, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      .send(
        `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Shelflink</title>` +
          `<meta name="viewport" content="width=device-width, initial-scale=1">${head}` +
          `<link rel="stylesheet" href="/console/console.css"></head>\n` +
          `<body><main class="result"><h1>${escapeHtml(title)}</h1>\n${blocks.map(render).join('\n')}\n</main></body></html>\n`,
      );
  }

  /**
   * Sends the browser on to another site (a provider's consent page, the retailer's return URL) after a form post,
   * by a refresh the page's `form-action 'self'` does not govern, with a link for when refreshes are off.
   */
  continueTo(reply: FastifyReply, url: string, title: string, text: string): void {
    const head = `<meta http-equiv="refresh" content="0;url=${escapeHtml(url)}">`;
    this.send(reply, 200, title, [{ text }, { text: 'Continue', href: url }], head);
  }

  /** A refused request as a readable page with its stable code; anything but a caller's error is rethrown. */
  sendError(reply: FastifyReply, error: unknown, title: string, back: { text: string; href: string }): void {
    if (!(error instanceof HttpApiError)) throw error;
    this.send(reply, error.status, title, [{ text: error.message }, { text: `Error code: ${error.code}` }, back]);
  }

  /** Browsers ask for text/html first; API clients (and the JSON tests) get JSON as before. */
  wantsHtml(accept: string | undefined): boolean {
    return accept !== undefined && accept.includes('text/html') && !accept.includes('application/json');
  }
}

/** The retailer's return URL with the outcome the merchant's browser brings back. */
export function returnUrlWith(returnUrl: string, result: { connectionId: string; status: string }): string {
  const url = new URL(returnUrl);
  url.searchParams.set('connectionId', result.connectionId);
  url.searchParams.set('status', result.status);
  return url.toString();
}

function render(block: Block): string {
  if ('error' in block) return `<p role="alert" class="error">${escapeHtml(block.error)}</p>`;
  if ('form' in block) {
    const { action, fields, submit } = block.form;
    const inputs = fields.map((field) =>
      field.type === 'hidden'
        ? `<input type="hidden" name="${escapeHtml(field.name)}" value="${escapeHtml(field.value ?? '')}">`
        : `<label class="field"><span>${escapeHtml(field.label)}</span>` +
          `<input name="${escapeHtml(field.name)}" type="${field.type ?? 'text'}" required autocomplete="off"` +
          ` value="${escapeHtml(field.value ?? '')}">` +
          (field.hint ? `<small>${escapeHtml(field.hint)}</small>` : '') +
          `</label>`,
    );
    return `<form method="post" action="${escapeHtml(action)}">${inputs.join('')}<button type="submit">${escapeHtml(submit)}</button></form>`;
  }
  if ('href' in block) return `<p><a href="${escapeHtml(block.href)}">${escapeHtml(block.text)}</a></p>`;
  return `<p>${escapeHtml(block.text)}</p>`;
}
