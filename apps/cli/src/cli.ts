import { ConfigError } from '@shelflink/config';
import { BusError } from '@shelflink/contracts';
import { parseCommandLine } from './args.js';
import { UsageError, type CommandSpec } from './command.js';
import { commandHelp, globalHelp, groupHelp, usageLine } from './help.js';
import type { OperatorBus } from './operator-bus.js';

/** Exit codes: a refused call or a failed run 1; a bad command line 64 and missing settings 78 (sysexits.h). */
export const exitCodes = { ok: 0, failed: 1, usage: 64, config: 78 } as const;

/** What a run needs from the world: where to write, and a bus that connects when first used. */
export interface CliContext {
  stdout(text: string): void;
  stderr(text: string): void;
  openBus(): OperatorBus & { close(): Promise<void> };
}

type Invocation =
  | { kind: 'help'; text: string }
  | { kind: 'run'; command: CommandSpec; tokens: readonly string[] }
  | { kind: 'unknown'; message: string };

/** Runs one command line; resolves with the exit code. Never throws: every failure is printed as JSON. */
export async function runCli(argv: readonly string[], commands: readonly CommandSpec[], context: CliContext) {
  if (argv.length === 0) {
    context.stderr(`${globalHelp(commands)}\n`);
    return exitCodes.usage;
  }
  const invocation = resolve(argv, commands);
  if (invocation.kind === 'help') {
    context.stdout(`${invocation.text}\n`);
    return exitCodes.ok;
  }
  if (invocation.kind === 'unknown') return printError(context, 'USAGE', invocation.message, exitCodes.usage);
  const { command, tokens } = invocation;
  const bus = context.openBus();
  try {
    const input = parseCommandLine(command, tokens);
    const result = await command.run(
      input,
      bus,
      (line) => context.stderr(`${line}\n`),
      (text) => context.stdout(text),
    );
    if (!result.streamed) context.stdout(`${result.text ?? JSON.stringify(result.output, null, 2)}\n`);
    return result.exitCode ?? exitCodes.ok;
  } catch (error) {
    if (error instanceof UsageError)
      return printError(context, 'USAGE', `${error.message}; ${usageLine(command)}`, exitCodes.usage);
    if (error instanceof ConfigError) return printError(context, 'CONFIG', error.problems.join('; '), exitCodes.config);
    if (error instanceof BusError) return printError(context, error.code, error.message, exitCodes.failed);
    return printError(context, 'INTERNAL', error instanceof Error ? error.message : String(error), exitCodes.failed);
  } finally {
    await bus.close();
  }
}

/** Finds the command (or the help) an argument list asks for; `--help`/`-h` anywhere before `--` asks for help. */
function resolve(argv: readonly string[], commands: readonly CommandSpec[]): Invocation {
  const end = argv.indexOf('--');
  const options = end === -1 ? argv : argv.slice(0, end);
  const helpWords = new Set(['--help', '-h']);
  const wantsHelp = argv[0] === 'help' || options.some((token) => helpWords.has(token));
  const [group = '', action = ''] = (argv[0] === 'help' ? argv.slice(1) : argv).filter((t) => !helpWords.has(t));
  // A one-word command (`api`, `test`) takes every token after it.
  const single = commands.find((candidate) => candidate.name === group);
  if (single && !wantsHelp) return { kind: 'run', command: single, tokens: argv.slice(1) };
  if (single) return { kind: 'help', text: commandHelp(single) };
  const command = commands.find((candidate) => candidate.name === `${group} ${action}`);
  const ofGroup = commands.filter((candidate) => candidate.name.startsWith(`${group} `));
  if (wantsHelp) {
    if (command) return { kind: 'help', text: commandHelp(command) };
    return { kind: 'help', text: ofGroup.length > 0 ? groupHelp(group, ofGroup) : globalHelp(commands) };
  }
  if (command) return { kind: 'run', command, tokens: argv.slice(2) };
  const known = (ofGroup.length > 0 ? ofGroup : commands).map((candidate) => candidate.name).join(', ');
  const message = `unknown command "${[group, action].join(' ').trim()}"; usage: shelflink <command> [arguments], one of: ${known} (shelflink --help describes them)`;
  return { kind: 'unknown', message };
}

function printError(context: CliContext, code: string, message: string, exitCode: number): number {
  context.stderr(`${JSON.stringify({ error: { code, message } })}\n`);
  return exitCode;
}
