/** A counter's value from a service's /metrics for the sample with all these labels; 0 when there is none yet. */
export async function metricSample(serviceUrl: string, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${serviceUrl}/metrics`)).text();
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  const sample = text
    .split('\n')
    .find((line) => line.startsWith(`${name}{`) && wanted.every((label) => line.includes(label)));
  return sample ? Number(sample.split(' ').at(-1)) : 0;
}
