#!/usr/bin/env node
// Launches the operator CLI (apps/cli, TypeScript) that `npm run build` compiles into dist/.
import { existsSync } from 'node:fs';

const main = new URL('../dist/apps/cli/src/main.js', import.meta.url);
if (existsSync(main)) {
  await import(main.href);
} else {
  const error = { code: 'NOT_BUILT', message: 'The CLI is not built: run `npm run build` in the repository first' };
  process.stderr.write(`${JSON.stringify({ error })}\n`);
  process.exitCode = 78;
}
