import { readFileSync } from 'node:fs';
import { renderNatsUsers } from './nats-users.js';

describe('renderNatsUsers', () => {
  const template = readFileSync('deploy/nats/users.conf', 'utf8');
  const hash = `$2b$11$${'a'.repeat(53)}`;

  it('keeps the template and adds one user per service with only its own subjects', () => {
    const rendered = renderNatsUsers(template, [{ name: 'forecaster', passwordHash: hash }]);
    expect(rendered.startsWith(template.slice(0, template.indexOf('# proxy replies')))).toBe(true);
    // sync-service may answer the service's proxy requests on its inbox, and no other consumer's.
    expect(rendered).toContain('rendered below this line\n          "_INBOX_svc_forecaster.>"\n        ]');
    expect(rendered).toContain(`user: "svc-forecaster"\n    password: "${hash}"`);
    expect(rendered).toContain('publish: { allow: ["auth.token.get.v1.forecaster", "auth.sign.tba.v1.forecaster", ');
    expect(rendered).toContain('subscribe: { allow: ["_INBOX_svc_forecaster.>"] }');
    expect(rendered.trimEnd().endsWith(']')).toBe(true);
  });

  it('renders the template unchanged without services, and refuses a template without the marker line', () => {
    expect(renderNatsUsers(template, [])).toBe(template);
    expect(() => renderNatsUsers('users = []\n', [])).toThrow(/consumer services/);
  });
});
