import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configReferenceFile, configReferencePath } from './config-sources.js';
import { repoRoot } from './repo-root.js';

// `npm run docs`: rewrites docs/configuration.md from the services' config schemas.
const root = repoRoot();
await writeFile(join(root, configReferencePath), await configReferenceFile(root));
process.stdout.write(`wrote ${configReferencePath}\n`);
