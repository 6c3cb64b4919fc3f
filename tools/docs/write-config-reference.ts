import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configReferenceFile, configReferencePath, repoRoot } from './config-sources.js';

// `npm run docs`: rewrites docs/configuration.md from the services' config schemas.
const root = repoRoot();
await writeFile(join(root, configReferencePath), await configReferenceFile(root));
process.stdout.write(`wrote ${configReferencePath}\n`);
