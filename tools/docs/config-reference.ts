import { z } from 'zod';

/** One service's environment schema and the file that declares it (relative to the repo root). */
export interface ServiceConfig {
  readonly service: string;
  readonly source: string;
  readonly schema: z.ZodObject;
}

/** What the reference says about one environment variable. */
export interface VariableDoc {
  readonly name: string;
  readonly required: boolean;
  /** The default as the environment would spell it; undefined when there is none. */
  readonly defaultValue?: string;
  readonly values: string;
  readonly meaning: string;
}

interface JsonProperty {
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly format?: string;
  readonly default?: unknown;
  readonly description?: string;
}

interface JsonObject {
  readonly properties?: Readonly<Record<string, JsonProperty>>;
  readonly required?: readonly string[];
}

/** The variables of one schema as its input side (what the environment holds) declares them, in schema order. */
export function variablesOf(schema: z.ZodObject): VariableDoc[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonObject;
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    required: required.has(name),
    ...(property.default === undefined ? {} : { defaultValue: asEnvText(property.default) }),
    values: acceptedValues(property),
    meaning: property.description ?? '',
  }));
}

/** A default as the environment spells it: strings as they are, anything else as JSON. */
function asEnvText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function acceptedValues(property: JsonProperty): string {
  if (property.enum) return property.enum.map((value) => `\`${String(value)}\``).join(', ');
  if (property.type === 'integer' || property.type === 'number') {
    const kind = property.type === 'integer' ? 'integer' : 'number';
    // zod's int() bounds an unbounded side at the safe-integer limits: those say nothing to a reader.
    const min =
      property.minimum !== undefined && property.minimum > Number.MIN_SAFE_INTEGER ? property.minimum : undefined;
    const max =
      property.maximum !== undefined && property.maximum < Number.MAX_SAFE_INTEGER ? property.maximum : undefined;
    if (min !== undefined && max !== undefined) return `${kind} ${min} to ${max}`;
    if (min !== undefined) return `${kind} ≥ ${min}`;
    if (max !== undefined) return `${kind} ≤ ${max}`;
    return kind;
  }
  if (property.format === 'uri') return 'URL';
  return 'text';
}

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
const code = (text: string): string => (text === '' ? 'empty' : `\`${text}\``);

function defaultCell(variable: VariableDoc): string {
  if (variable.required) return '**required**';
  return variable.defaultValue === undefined ? 'unset' : code(variable.defaultValue);
}

function table(rows: readonly (readonly string[])[]): string {
  const [head = [], ...body] = rows;
  const line = (row: readonly string[]) => `| ${row.map(cell).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...body.map(line)].join('\n');
}

/** A shared variable's default per service, collapsed to one value when every service agrees. */
function sharedDefault(name: string, services: readonly ServiceConfig[]): string {
  const perService = services.flatMap((config) => {
    const variable = variablesOf(config.schema).find((candidate) => candidate.name === name);
    return variable ? [{ service: config.service, text: defaultCell(variable) }] : [];
  });
  const distinct = new Set(perService.map((entry) => entry.text));
  if (distinct.size === 1) return perService[0]?.text ?? 'unset';
  return perService.map((entry) => `${entry.service} ${entry.text}`).join(', ');
}

function sharedSection(services: readonly ServiceConfig[], shared: readonly VariableDoc[]): string {
  const rows = shared.map((variable) => {
    const readers = services.filter((config) => variable.name in config.schema.shape).map((config) => config.service);
    const readBy = readers.length === services.length ? 'every service' : readers.join(', ');
    return [`\`${variable.name}\``, readBy, sharedDefault(variable.name, services), variable.values, variable.meaning];
  });
  return table([['variable', 'read by', 'default', 'values', 'meaning'], ...rows]);
}

function serviceSection(config: ServiceConfig, sharedNames: ReadonlySet<string>): string {
  const own = variablesOf(config.schema).filter((variable) => !sharedNames.has(variable.name));
  const rows = own.map((variable) => [
    `\`${variable.name}\``,
    defaultCell(variable),
    variable.values,
    variable.meaning,
  ]);
  return [
    `## ${config.service}`,
    `Declared in [${config.source}](../${config.source}), besides the shared variables above.`,
    table([['variable', 'default', 'values', 'meaning'], ...rows]),
  ].join('\n\n');
}

const intro = `# Configuration reference

<!-- Generated by \`npm run docs\` (tools/docs/config-reference.ts) from the services' zod schemas. Do not edit by hand: tools/docs/config-reference.spec.ts fails when this file and the schemas differ. -->

Each service reads only its own environment and validates it at boot: a missing or invalid variable stops the process with exit code 78 and a message naming the variable, never its value. \`npm start\` sets working local values for all of them. The provider sandbox has its own variables: see [tools/sandbox/README.md](../tools/sandbox/README.md).

NATS itself reads one password per user from the environment (\`NATS_GATEWAY_PASSWORD\`, \`NATS_AUTH_SERVICE_PASSWORD\`, \`NATS_WEBHOOK_INGEST_PASSWORD\`, \`NATS_SYNC_SERVICE_PASSWORD\`, \`NATS_OPERATOR_PASSWORD\`) and refuses to start when one is missing: see [deploy/nats/nats.conf](../deploy/nats/nats.conf). \`npm start\` picks random ones per run unless they are set. It reads its JetStream store directory from \`NATS_STORE_DIR\`, and consumer services' users from a generated file: see [consumer-services.md](consumer-services.md).`;

/** The whole reference as Markdown (not yet formatted): shared variables once, then each service's own. */
export function renderConfigReference(services: readonly ServiceConfig[], shared: readonly z.ZodObject[]): string {
  const sharedNames = new Set(shared.flatMap((schema) => Object.keys(schema.shape)));
  const sharedDocs = services
    .flatMap((config) => variablesOf(config.schema))
    .filter(
      (variable, index, all) =>
        sharedNames.has(variable.name) && all.findIndex((v) => v.name === variable.name) === index,
    );
  return [
    intro,
    '## Shared by the services',
    'From the fragments in [libs/config/src/env.ts](../libs/config/src/env.ts).',
    sharedSection(services, sharedDocs),
    ...services.map((config) => serviceSection(config, sharedNames)),
  ].join('\n\n');
}
