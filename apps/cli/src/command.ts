import type { RequestContract } from '@shelflink/contracts';
import type { z } from 'zod';
import type { Draft, OperatorBus } from './operator-bus.js';

/** A positional argument; `variadic` takes every remaining one (zero or more). */
export interface ArgumentSpec {
  readonly name: string;
  readonly description: string;
  readonly variadic?: boolean;
}

/**
 * `value` takes the next token as a string, `integer` as a whole number, `list` as comma-separated strings;
 * `repeatable` may be given again and again, each value kept whole (read with `list`).
 */
export type OptionKind = 'value' | 'integer' | 'list' | 'repeatable' | 'flag';

export interface OptionSpec {
  readonly name: string;
  readonly kind: OptionKind;
  /** Placeholder shown in help for options that take a value, e.g. `seconds`. */
  readonly placeholder?: string;
  readonly description: string;
  /** A value the command cannot do without, e.g. a replay's time range. */
  readonly required?: boolean;
}

export type OptionValue = string | number | boolean | readonly string[];

/** What the parser hands a command: its positionals by name, the rest of a variadic one, and its options. */
export class CommandInput {
  constructor(
    private readonly positionals: ReadonlyMap<string, string>,
    readonly rest: readonly string[],
    private readonly options: ReadonlyMap<string, OptionValue>,
  ) {}

  /** A declared positional; the parser refuses a command line without it. */
  arg(name: string): string {
    const value = this.positionals.get(name);
    if (value === undefined) throw new UsageError(`missing <${name}>`);
    return value;
  }

  value(name: string): string | undefined {
    const value = this.options.get(name);
    return typeof value === 'string' ? value : undefined;
  }

  integer(name: string): number | undefined {
    const value = this.options.get(name);
    return typeof value === 'number' ? value : undefined;
  }

  list(name: string): readonly string[] | undefined {
    const value = this.options.get(name);
    return Array.isArray(value) ? (value as readonly string[]) : undefined;
  }

  flag(name: string): boolean {
    return this.options.get(name) === true;
  }
}

/** What a command answers: printed as JSON on stdout; a non-zero `exitCode` when the outcome is a failure. */
export interface CommandResult {
  readonly output: unknown;
  /** Printed instead of the JSON when the caller asked for text (`--format table`). */
  readonly text?: string;
  readonly exitCode?: number;
  /** The command wrote its own stdout as it went (a long page walk); `output` is not printed. */
  readonly streamed?: boolean;
}

/** Where a command writes progress (stderr), so that stdout stays one JSON document. */
export type ProgressSink = (line: string) => void;

/** One row of the command table: help, parsing and dispatch all read it. */
export interface CommandSpec {
  /** `<group> <action>`, as typed: `syncs start`; or one word (`api`, `test`). */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** More for `<command> --help`, when one line does not say it all. */
  readonly details?: string;
  readonly args: readonly ArgumentSpec[];
  readonly options: readonly OptionSpec[];
  /** The contracts it sends; their subjects are in its help (the operator user's permissions follow them). */
  readonly contracts: readonly RequestContract<z.ZodType, z.ZodType>[];
  run(input: CommandInput, bus: OperatorBus, progress: ProgressSink, stdout: ProgressSink): Promise<CommandResult>;
}

/** A bad command line: unknown command or option, missing or extra argument, a value of the wrong kind. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: CommandSpec,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Most commands are one request, built from the command line, whose reply is the output. */
export function sends<Req extends z.ZodType, Res extends z.ZodType>(
  contract: RequestContract<Req, Res>,
  draft: (input: CommandInput) => Draft<Req>,
): Pick<CommandSpec, 'contracts' | 'run'> {
  return { contracts: [contract], run: async (input, bus) => ({ output: await bus.request(contract, draft(input)) }) };
}
