import type { CommandSpec, OptionSpec } from './command.js';

const PROGRAM = 'shelflink';
/** Descriptions start at this column, as in the command list operators already know. */
const COLUMN = 46;

/** Help lines stay within this many characters (help.spec.ts holds every help to it). */
const WIDTH = 120;

/** `syncs start <tenantId> <connectionId> [--streams <list>] [--full]` */
export function synopsis(command: CommandSpec): string {
  const args = command.args.map((spec) => (spec.variadic ? `[<${spec.name}> ...]` : `<${spec.name}>`));
  const options = command.options.map((option) => (option.required ? optionForm(option) : optionalForm(option)));
  const full = [command.name, ...args, ...options].join(' ');
  if (`usage: ${PROGRAM} ${full}`.length <= WIDTH) return full;
  // Too long for one usage line: the optional ones are listed in the command's help.
  const required = command.options.filter((option) => option.required).map(optionForm);
  return [command.name, ...args, ...required, '[options]'].join(' ');
}

/** The usage line a usage error ends with. */
export const usageLine = (command: CommandSpec): string => `usage: ${PROGRAM} ${synopsis(command)}`;

/** `shelflink --help`: every command, then the environment it reads. */
export function globalHelp(commands: readonly CommandSpec[]): string {
  return [
    `usage: ${PROGRAM} <command> [arguments] [options]`,
    '',
    'Operator commands for a Shelflink deployment, sent over NATS as the `operator` user. Each prints JSON on',
    'stdout; a refused call prints {"error":{"code","message"}} on stderr and exits 1; a bad command line exits 64.',
    '',
    'commands:',
    ...commands.map(listEntry),
    '',
    'environment:',
    table(
      [
        ['NATS_URL', 'servers, comma-separated (default: the stack `npm start` runs, else nats://127.0.0.1:4222)'],
        ['NATS_USER', 'default: operator'],
        ['NATS_PASSWORD', "the user's password, or NATS_OPERATOR_PASSWORD (default: the stack `npm start` runs)"],
        ['NATS_USERS_FILE', 'services: the generated NATS users file (default: the stack `npm start` runs)'],
        ['NATS_PID_FILE', 'services: nats-server pid file, to reload it (default: the stack `npm start` runs)'],
        ['CONSUMER_NATS_URL', 'services: the NATS URL printed for consumer services (default: NATS_URL)'],
      ],
      fitted,
    ),
    '',
    `\`${PROGRAM} <command> --help\` describes one command.`,
  ].join('\n');
}

/** `shelflink syncs --help`: the commands of one group. */
export function groupHelp(group: string, commands: readonly CommandSpec[]): string {
  return [
    `usage: ${PROGRAM} ${group} <action> [arguments] [options]`,
    '',
    'commands:',
    ...commands.map(listEntry),
  ].join('\n');
}

/** `shelflink syncs start --help`: its arguments, options and the subjects it sends. */
export function commandHelp(command: CommandSpec): string {
  const summary = `${command.summary.charAt(0).toUpperCase()}${command.summary.slice(1)}.`;
  return [
    usageLine(command),
    '',
    summary,
    ...(command.details ? [command.details] : []),
    ...section(
      'arguments',
      command.args.map((spec) => [spec.variadic ? `<${spec.name}> ...` : `<${spec.name}>`, spec.description]),
    ),
    ...section('options', [
      ...command.options.map((option): Row => [optionForm(option), option.description]),
      ['--help', 'this help'],
    ]),
    '',
    `sends: ${command.contracts.map((contract) => contract.subject).join(', ')}`,
  ].join('\n');
}

function optionForm(option: OptionSpec): string {
  return option.kind === 'flag' ? `--${option.name}` : `--${option.name} <${option.placeholder ?? 'value'}>`;
}

const optionalForm = (option: OptionSpec): string =>
  option.kind === 'repeatable' ? `[${optionForm(option)}]...` : `[${optionForm(option)}]`;

function listEntry(command: CommandSpec): string {
  return table([[synopsis(command), command.summary]], COLUMN);
}

function section(title: string, rows: Row[]): string[] {
  return rows.length === 0 ? [] : ['', `${title}:`, table(rows, fitted)];
}

type Row = readonly [string, string];

/** A column just past the longest term, for the short tables of one command. */
const fitted = (rows: readonly Row[]): number => Math.max(...rows.map(([term]) => term.length)) + 5;

/** Two columns: the term, then its description at `column` (on the next line when the term is longer). */
function table(rows: readonly Row[], column: number | ((rows: readonly Row[]) => number)): string {
  const at = typeof column === 'number' ? column : column(rows);
  return rows
    .map(([term, description]) => {
      const left = `  ${term}`;
      return left.length < at - 1 ? `${left.padEnd(at)}${description}` : `${left}\n${' '.repeat(at)}${description}`;
    })
    .join('\n');
}
