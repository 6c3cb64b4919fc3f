import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './repo-root.js';
import { brokenLinkReason, isExternal, markdownLinks } from './markdown-links.js';

const root = repoRoot();

/** Every Markdown file a clone holds (tracked), plus new ones not ignored, so a link is checked before its commit. */
function markdownFiles(): string[] {
  const output = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z', '--', '*.md'], {
    cwd: root,
    encoding: 'utf8',
  });
  return [...new Set(output.split('\0').filter((file) => file !== ''))].sort();
}

describe('Markdown links', () => {
  const files = markdownFiles();

  it('finds the front door and the docs', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', 'docs/architecture.md', 'docs/configuration.md']));
  });

  it('resolves every relative link of every Markdown file to a file inside the repository', () => {
    const broken = files.flatMap((file) =>
      markdownLinks(readFileSync(join(root, file), 'utf8'))
        .filter((link) => !isExternal(link.target))
        .flatMap((link) => {
          const reason = brokenLinkReason(root, file, link.target);
          return reason === undefined ? [] : [`${file}:${link.line} ${link.target}: ${reason}`];
        }),
    );
    expect(broken).toEqual([]);
  });

  it('names no file outside the repository, even in code (a clone has no ../shared)', () => {
    const outside = files.filter((file) =>
      /(^|[\s(`'"])(\.\.\/shared\/|\/work\/)/m.test(readFileSync(join(root, file), 'utf8')),
    );
    expect(outside).toEqual([]);
  });
});

describe('markdownLinks', () => {
  it('reads inline links, images, titles, angle brackets and reference definitions', () => {
    const text = [
      'See [a](docs/a.md) and ![img](img/x.png "title") and [b](<docs/with space.md>).',
      '[ref]: ../outside.md',
      'A [web](https://example.com) link and an [anchor](#top).',
    ].join('\n');
    expect(markdownLinks(text)).toEqual([
      { target: 'docs/a.md', line: 1 },
      { target: 'img/x.png', line: 1 },
      { target: 'docs/with space.md', line: 1 },
      { target: '../outside.md', line: 2 },
      { target: 'https://example.com', line: 3 },
      { target: '#top', line: 3 },
    ]);
  });

  it('skips fenced code blocks and inline code', () => {
    const text = ['```sh', 'echo [x](nowhere.md)', '```', 'Use `[y](nowhere.md)` then [z](here.md).'].join('\n');
    expect(markdownLinks(text)).toEqual([{ target: 'here.md', line: 4 }]);
  });
});

describe('brokenLinkReason', () => {
  const fixture = mkdtempSync(join(tmpdir(), 'shelflink-links-'));
  mkdirSync(join(fixture, 'docs'));
  writeFileSync(join(fixture, 'docs', 'a.md'), '# a');
  writeFileSync(join(fixture, 'README.md'), '# readme');

  it('accepts files and folders inside the root, with anchors and repo-absolute paths', () => {
    expect(brokenLinkReason(fixture, 'README.md', 'docs/a.md#section')).toBeUndefined();
    expect(brokenLinkReason(fixture, 'docs/a.md', '../README.md')).toBeUndefined();
    expect(brokenLinkReason(fixture, 'docs/a.md', '/docs')).toBeUndefined();
  });

  it('refuses missing files and anything outside the root', () => {
    expect(brokenLinkReason(fixture, 'README.md', 'docs/missing.md')).toBe('no such file in the repository');
    expect(brokenLinkReason(fixture, 'README.md', '../shared/ARCHITECTURE.md')).toBe('points outside the repository');
    expect(brokenLinkReason(fixture, 'docs/a.md', '../../etc/passwd')).toBe('points outside the repository');
  });

  it('treats URL schemes and bare anchors as external', () => {
    expect(isExternal('https://developer.squareup.com/docs')).toBe(true);
    expect(isExternal('mailto:x@example.com')).toBe(true);
    expect(isExternal('#top')).toBe(true);
    expect(isExternal('docs/a.md')).toBe(false);
  });
});
