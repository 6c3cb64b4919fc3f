import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';

/** One link found in a Markdown file: its target as written and the line it is on. */
export interface MarkdownLink {
  readonly target: string;
  readonly line: number;
}

const INLINE = /!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g;
const DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/;
const FENCE = /^\s{0,3}(`{3,}|~{3,})/;

/** Inline links, images and reference definitions, outside fenced code blocks and inline code spans. */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, index) => {
    const opener = FENCE.exec(text)?.[1];
    if (opener !== undefined && (fence === undefined || opener.startsWith(fence))) {
      fence = fence === undefined ? opener : undefined;
      return;
    }
    if (fence !== undefined) return;
    const prose = text.replace(/(`+)[^`]*?\1/g, '');
    const line = index + 1;
    for (const match of prose.matchAll(INLINE)) links.push({ target: unwrap(match[1] ?? ''), line });
    const definition = DEFINITION.exec(prose)?.[1];
    if (definition !== undefined) links.push({ target: unwrap(definition), line });
  });
  return links;
}

const unwrap = (target: string): string => (target.startsWith('<') ? target.slice(1, -1) : target);

/** Whether a target leaves the repository's files: a URL scheme (https:, mailto:) or only an anchor. */
export function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#') || target === '';
}

/**
 * Why a relative link from `file` (repo-relative) does not resolve inside `root`, or undefined when it does.
 * A leading `/` means the repository root, as GitHub reads it.
 */
export function brokenLinkReason(root: string, file: string, target: string): string | undefined {
  const path = decodeURI(target.replace(/[?#].*$/, ''));
  if (path === '') return undefined;
  const absolute = path.startsWith('/') ? join(root, path) : resolve(root, dirname(file), path);
  const inside = relative(root, absolute);
  if (inside.startsWith('..') || isAbsolute(inside)) return 'points outside the repository';
  return existsSync(absolute) ? undefined : 'no such file in the repository';
}
