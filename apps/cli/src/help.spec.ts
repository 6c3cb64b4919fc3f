import { commandTable } from './command-table.js';
import { commandHelp, globalHelp, groupHelp, synopsis } from './help.js';

const lines = (text: string): string[] => text.split('\n');

describe('help', () => {
  it('lists every command of the table with its synopsis and summary', () => {
    const help = globalHelp(commandTable);
    expect(commandTable).toHaveLength(35);
    for (const command of commandTable) {
      expect(help).toContain(`  ${synopsis(command)}`);
      expect(help).toContain(command.summary);
    }
    expect(help).toContain('NATS_OPERATOR_PASSWORD');
  });

  it('writes the synopses operators know', () => {
    const synopses = Object.fromEntries(commandTable.map((command) => [command.name, synopsis(command)]));
    expect(synopses).toMatchObject({
      'tenant create': 'tenant create <tenantId> [--name <name>]',
      'connections list': 'connections list [--tenant <tenantId>]',
      'syncs start': 'syncs start <tenantId> <connectionId> [--streams <list>] [--full]',
      'events replay': 'events replay <tenantId> <connectionId> --from <iso time> --to <iso time>',
      'deadletters requeue': 'deadletters requeue <tenantId> [<eventId> ...]',
    });
  });

  it("describes each command's arguments, options and subjects", () => {
    for (const command of commandTable) {
      const help = commandHelp(command);
      expect(lines(help)[0]).toBe(`usage: shelflink ${synopsis(command)}`);
      const rows = lines(help);
      const row = (term: string, description: string) =>
        rows.some((line) => line.startsWith(`  ${term}`) && line.endsWith(`  ${description}`));
      for (const spec of command.args) expect(row(`<${spec.name}>`, spec.description)).toBe(true);
      for (const option of command.options) expect(row(`--${option.name}`, option.description)).toBe(true);
      expect(help).toContain(`sends: ${command.contracts.map((contract) => contract.subject).join(', ')}`);
    }
  });

  it('reads value lists and bounds from the contracts', () => {
    const help = (name: string) => commandHelp(commandTable.find((command) => command.name === name)!);
    expect(help('syncs list')).toContain('--limit <n>');
    expect(help('syncs list')).toContain('(1 to 200; default 50)');
    expect(help('syncs list')).toContain('queued, running, succeeded, failed');
    expect(help('events list')).toContain('received, published, processed, dead');
    expect(help('syncs start')).toContain('locations, products, inventory, orders');
    expect(help('schedule set')).toContain('(60 to 604800)');
  });

  it("lists a group's commands only", () => {
    const syncs = commandTable.filter((command) => command.name.startsWith('syncs '));
    const help = groupHelp('syncs', syncs);
    expect(help).toContain('syncs start <tenantId>');
    expect(help).toContain('syncs list <tenantId>');
    expect(help).not.toContain('sync watch');
  });

  it('keeps every line of every help within 120 characters', () => {
    const texts = [globalHelp(commandTable), ...commandTable.map(commandHelp)];
    const long = texts.flatMap(lines).filter((line) => line.length > 120);
    expect(long).toEqual([]);
  });
});
