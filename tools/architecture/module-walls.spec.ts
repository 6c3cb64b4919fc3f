import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cruise, type IConfiguration } from 'dependency-cruiser';

// The repo's own rules, run on small trees made here: each wall must stop the import it exists for.
const configUrl = pathToFileURL(join(process.cwd(), '.dependency-cruiser.mjs')).href;
const { default: config } = (await import(configUrl)) as { default: IConfiguration };

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function violations(files: Record<string, string>): Promise<string[]> {
  const baseDir = mkdtempSync(join(tmpdir(), 'module-walls-'));
  dirs.push(baseDir);
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(baseDir, path)), { recursive: true });
    writeFileSync(join(baseDir, path), source);
  }
  const { tsConfig: _unused, ...options } = config.options ?? {};
  const roots = ['apps', 'libs'].filter((root) => existsSync(join(baseDir, root)));
  const result = await cruise(
    roots,
    { ...options, baseDir, validate: true, ruleSet: config },
    {
      extensions: ['.ts'],
    },
  );
  if (typeof result.output === 'string') throw new Error('expected a cruise result object');
  return [...new Set(result.output.summary.violations.map((violation) => violation.rule.name))].sort();
}

const importing = (...targets: string[]) =>
  targets.map((target) => `import '${target}';`).join('\n') + '\nexport {};\n';

describe('module walls (.dependency-cruiser.mjs)', () => {
  it('lets a domain use another through its public roles', async () => {
    await expect(
      violations({
        'apps/shop/src/orders/orders.service.ts': importing('../billing/billing.service', '../config/shop.config'),
        'apps/shop/src/billing/billing.service.ts': importing(
          '../config/shop.config',
          '../../../../libs/kit/src/index',
        ),
        'apps/shop/src/config/shop.config.ts': importing(),
        'libs/kit/src/index.ts': importing('./inner'),
        'libs/kit/src/inner.ts': importing(),
      }),
    ).resolves.toEqual([]);
  });

  it("refuses a reach into another domain's internals", async () => {
    await expect(
      violations({
        'apps/shop/src/orders/orders.service.ts': importing('../billing/billing.handler'),
        'apps/shop/src/billing/billing.handler.ts': importing(),
      }),
    ).resolves.toEqual(['no-domain-internals']);
  });

  it('refuses a cycle between domain folders even when no file cycle exists', async () => {
    await expect(
      violations({
        'apps/shop/src/orders/orders.service.ts': importing('../billing/billing.service'),
        'apps/shop/src/billing/billing.service.ts': importing(),
        'apps/shop/src/billing/invoice.service.ts': importing('../orders/order.repository'),
        'apps/shop/src/orders/order.repository.ts': importing(),
      }),
    ).resolves.toEqual(['no-circular-domains']);
  });

  it('refuses a file cycle', async () => {
    await expect(
      violations({
        'apps/shop/src/orders/orders.service.ts': importing('./order.repository'),
        'apps/shop/src/orders/order.repository.ts': importing('./orders.service'),
      }),
    ).resolves.toEqual(['no-circular']);
  });

  it('refuses an app importing another app, a lib importing an app, and a deep lib import', async () => {
    await expect(
      violations({
        'apps/shop/src/orders/orders.service.ts': importing('../../../till/src/sales/sales.service'),
        'apps/till/src/sales/sales.service.ts': importing('../../../../libs/kit/src/inner'),
        'libs/kit/src/inner.ts': importing(),
        'libs/leaky/src/index.ts': importing('../../../apps/till/src/sales/sales.service'),
      }),
    ).resolves.toEqual(['apps-never-import-apps', 'libs-never-import-apps', 'libs-through-their-root']);
  });
});
