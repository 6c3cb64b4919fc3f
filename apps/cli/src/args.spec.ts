import { parseCommandLine } from './args.js';
import { UsageError, type CommandSpec } from './command.js';
import { commandTable } from './command-table.js';

const command = (name: string): CommandSpec => {
  const found = commandTable.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no command ${name}`);
  return found;
};
const parse = (name: string, tokens: string[]) => parseCommandLine(command(name), tokens);
const usageError = (name: string, tokens: string[]): string => {
  try {
    parse(name, tokens);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`${name} ${tokens.join(' ')} parsed`);
};

describe('parseCommandLine', () => {
  it('takes positionals in order and options anywhere, in both forms', () => {
    const input = parse('syncs start', ['--streams', 'orders,products', 't1', '--full', 'c1']);
    expect([input.arg('tenantId'), input.arg('connectionId')]).toEqual(['t1', 'c1']);
    expect(input.list('streams')).toEqual(['orders', 'products']);
    expect(input.flag('full')).toBe(true);
    const inline = parse('syncs list', ['t1', '--status=failed', '--limit=5']);
    expect([inline.value('status'), inline.integer('limit')]).toEqual(['failed', 5]);
  });

  it('keeps every value of a repeatable option, commas and all', () => {
    const input = parse('api', ['t1', 'c1', 'POST', '/x', '--header', 'Prefer: transient', '--header=Accept: a,b']);
    expect(input.list('header')).toEqual(['Prefer: transient', 'Accept: a,b']);
    expect(parse('api', ['t1', 'c1', 'GET', '/x']).list('header')).toBeUndefined();
  });

  it('leaves absent options undefined and absent flags false', () => {
    const input = parse('syncs list', ['t1']);
    expect([input.value('connection'), input.value('status'), input.integer('limit')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(parse('syncs start', ['t1', 'c1']).flag('full')).toBe(false);
  });

  it('gives a variadic argument every remaining positional, and none when there is none', () => {
    expect(parse('deadletters requeue', ['t1', 'e1', 'e2']).rest).toEqual(['e1', 'e2']);
    expect(parse('deadletters requeue', ['t1']).rest).toEqual([]);
  });

  it('takes everything after -- as arguments', () => {
    expect(parse('deadletters requeue', ['t1', '--', '--not-an-option']).rest).toEqual(['--not-an-option']);
    expect(parse('event replay', ['--', '-t', '--e']).arg('eventId')).toBe('--e');
  });

  it('refuses a missing or an extra argument', () => {
    expect(usageError('syncs start', ['t1'])).toBe('missing <connectionId>');
    expect(usageError('keys status', ['now'])).toBe('unexpected argument "now"');
    expect(usageError('sync watch', ['t1', 'r1', 'r2'])).toBe('unexpected argument "r2"');
  });

  it('refuses unknown options, flags with a value and options without one', () => {
    expect(usageError('syncs start', ['t1', 'c1', '--ful'])).toBe('unknown option --ful');
    expect(usageError('syncs start', ['t1', 'c1', '--full=yes'])).toBe('--full takes no value');
    expect(usageError('syncs list', ['t1', '--connection'])).toBe('--connection needs a value <id>');
    expect(usageError('syncs list', ['t1', '--connection', '--status', 'failed'])).toBe(
      '--connection needs a value <id>',
    );
  });

  it('refuses a number option that is not a whole number, leaving its range to the contract', () => {
    expect(usageError('events list', ['t1', '--limit', 'ten'])).toBe('--limit takes a whole number, not "ten"');
    expect(usageError('schedule set', ['t', 'c', 'orders', '--interval', '1.5'])).toBe(
      '--interval takes a whole number, not "1.5"',
    );
    expect(parse('events list', ['t1', '--limit', '5000']).integer('limit')).toBe(5000);
  });

  it('refuses a command line without a required option', () => {
    const from = new Date(0).toISOString();
    expect(usageError('events replay', ['t1', 'c1', '--from', from])).toBe('missing --to');
  });
});
