#!/usr/bin/env node
// Compiles every TypeScript source under apps/, libs/, tools/, bench/ and packages/ to dist/ with swc (decorator metadata,
// @shelflink/* aliases rewritten to relative paths). Type checking is `npm run typecheck`'s job.
import { transformFile } from '@swc/core';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist');
// packages/client/src lands in dist/packages/client/src beside dist/libs, as in its own package (for the benches).
const sourceDirs = ['apps', 'libs', 'tools', 'bench', 'packages'];
const skip = /(\.spec|\.int-spec|\.e2e-spec|\.d)\.ts$/;

const swcrc = JSON.parse(await readFile(join(root, '.swcrc'), 'utf8'));
const { paths } = JSON.parse(await readFile(join(root, 'tsconfig.json'), 'utf8')).compilerOptions;

async function* sources(dir) {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== 'dist') yield* sources(path);
    else if (entry.isFile() && path.endsWith('.ts') && !skip.test(path)) yield path;
  }
}

async function compile(file) {
  const { code, map } = await transformFile(file, {
    ...swcrc,
    swcrc: false,
    jsc: { ...swcrc.jsc, baseUrl: root, paths },
    module: { type: 'es6', resolveFully: true },
    sourceMaps: true,
  });
  const target = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
  if (map) await writeFile(`${target}.map`, map);
}

const started = Date.now();
await rm(outDir, { recursive: true, force: true });
const files = [];
for (const dir of sourceDirs) for await (const file of sources(join(root, dir))) files.push(file);
await Promise.all(files.map(compile));
console.log(`built ${files.length} files into dist/ in ${Date.now() - started} ms`);
