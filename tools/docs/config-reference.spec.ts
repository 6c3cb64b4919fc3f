import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { renderConfigReference, variablesOf } from './config-reference.js';
import { configReferenceFile, configReferencePath, serviceConfigs } from './config-sources.js';
import { repoRoot } from './repo-root.js';

describe('configuration reference', () => {
  it('docs/configuration.md is what `npm run docs` renders from the schemas today', async () => {
    const committed = await readFile(join(repoRoot(), configReferencePath), 'utf8');
    // On failure: run `npm run docs` and commit docs/configuration.md with the schema change.
    expect(committed).toBe(await configReferenceFile());
  });

  it('gives every variable of every service a meaning (.describe on its schema field)', () => {
    const undescribed = serviceConfigs.flatMap((config) =>
      variablesOf(config.schema)
        .filter((variable) => variable.meaning === '')
        .map((variable) => `${config.service}: ${variable.name}`),
    );
    expect(undescribed).toEqual([]);
  });

  it('renders name, default, accepted values and meaning from a schema', () => {
    const schema = z.object({
      REQUIRED_URL: z.url().describe('Where to go.'),
      PORT: z.coerce.number().int().min(1).max(10).default(3).describe('A port | with a pipe.'),
      MODE: z.enum(['a', 'b']).default('a').describe('Mode.'),
      OPTIONAL: z.string().optional().describe('Maybe.'),
      FLOOR: z.coerce.number().int().min(2).default(2).describe('At least two.'),
      EMPTY: z.string().default('').describe('Blank by default.'),
    });
    const markdown = renderConfigReference([{ service: 'demo', source: 'apps/demo/demo.config.ts', schema }], []);
    expect(markdown).toContain('| `REQUIRED_URL` | **required** | URL | Where to go. |');
    expect(markdown).toContain('| `PORT` | `3` | integer 1 to 10 | A port \\| with a pipe. |');
    expect(markdown).toContain('| `MODE` | `a` | `a`, `b` | Mode. |');
    expect(markdown).toContain('| `OPTIONAL` | unset | text | Maybe. |');
    expect(markdown).toContain('| `FLOOR` | `2` | integer ≥ 2 | At least two. |');
    expect(markdown).toContain('| `EMPTY` | empty | text | Blank by default. |');
    expect(markdown).toContain('Declared in [apps/demo/demo.config.ts](../apps/demo/demo.config.ts)');
  });

  it('lists a shared variable once, with each service default when they differ, and who reads it', () => {
    const port = (fallback: number) => z.object({ PORT: z.coerce.number().int().default(fallback).describe('Port.') });
    const shared = z.object({ PORT: z.coerce.number().int().default(0), DB: z.string() });
    const markdown = renderConfigReference(
      [
        { service: 'one', source: 'one.ts', schema: port(1).extend({ DB: z.string().describe('Database.') }) },
        { service: 'two', source: 'two.ts', schema: port(2).extend({ OWN: z.string().describe('Own.') }) },
      ],
      [shared],
    );
    expect(markdown).toContain('| `PORT` | every service | one `1`, two `2` | integer | Port. |');
    expect(markdown).toContain('| `DB` | one | **required** | text | Database. |');
    expect(markdown.match(/`PORT`/g)).toHaveLength(1);
    expect(markdown).toContain('| `OWN` | **required** | text | Own. |');
  });
});
