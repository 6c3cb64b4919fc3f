import { CommandInput, UsageError, type CommandSpec, type OptionSpec, type OptionValue } from './command.js';

/** Parses a command's tokens (after `<group> <action>`): options anywhere, `--name value` or `--name=value`. */
export function parseCommandLine(command: CommandSpec, tokens: readonly string[]): CommandInput {
  const positionals: string[] = [];
  const options = new Map<string, OptionValue>();
  for (let at = 0; at < tokens.length; at++) {
    const token = tokens[at] as string;
    if (token === '--') {
      positionals.push(...tokens.slice(at + 1)); // everything after `--` is an argument, even `--x`
      break;
    }
    if (!token.startsWith('--')) {
      positionals.push(token);
      continue;
    }
    const equals = token.indexOf('=');
    const name = token.slice(2, equals === -1 ? undefined : equals);
    const inline = equals === -1 ? undefined : token.slice(equals + 1);
    const option = command.options.find((candidate) => candidate.name === name);
    if (!option) throw new UsageError(`unknown option --${name}`, command);
    if (option.kind === 'flag') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`, command);
      options.set(name, true);
      continue;
    }
    const raw = inline ?? tokens[++at];
    if (raw === undefined || (inline === undefined && raw.startsWith('--')))
      throw new UsageError(`--${name} needs a value <${option.placeholder ?? 'value'}>`, command);
    options.set(name, optionValue(command, option, raw, options.get(name)));
  }
  for (const option of command.options)
    if (option.required && !options.has(option.name)) throw new UsageError(`missing --${option.name}`, command);
  return new CommandInput(namePositionals(command, positionals), variadicRest(command, positionals), options);
}

/** `previous`: what an earlier use of the same option gave (a repeatable option keeps every value). */
function optionValue(command: CommandSpec, option: OptionSpec, raw: string, previous?: OptionValue): OptionValue {
  switch (option.kind) {
    case 'integer':
      if (!/^-?\d+$/.test(raw)) throw new UsageError(`--${option.name} takes a whole number, not "${raw}"`, command);
      return Number(raw);
    case 'list':
      return raw.split(',');
    case 'repeatable':
      return [...(Array.isArray(previous) ? (previous as readonly string[]) : []), raw];
    case 'value':
    case 'flag':
      return raw;
  }
}

function namePositionals(command: CommandSpec, positionals: readonly string[]): Map<string, string> {
  const named = new Map<string, string>();
  const fixed = command.args.filter((spec) => !spec.variadic);
  fixed.forEach((spec, index) => {
    const value = positionals[index];
    if (value === undefined) throw new UsageError(`missing <${spec.name}>`, command);
    named.set(spec.name, value);
  });
  const extra = positionals[fixed.length];
  if (extra !== undefined && !command.args.some((spec) => spec.variadic))
    throw new UsageError(`unexpected argument "${extra}"`, command);
  return named;
}

/** What a variadic argument (the last one) takes: every positional after the fixed ones. */
function variadicRest(command: CommandSpec, positionals: readonly string[]): string[] {
  return positionals.slice(command.args.filter((spec) => !spec.variadic).length);
}
