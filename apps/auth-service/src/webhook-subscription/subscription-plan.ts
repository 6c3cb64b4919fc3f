/** A subscription as a provider lists it. */
export interface ListedSubscription {
  readonly id: string;
  readonly topic: string;
  readonly address: string;
}

/**
 * What makes a shop's subscriptions at `url` match `wanted`: create each missing topic once, delete ours whose topic
 * is no longer wanted and any duplicate. Subscriptions at other addresses (another tenant's connection to the same
 * shop, the merchant's own) are never touched.
 */
export function planSubscriptions(
  listed: readonly ListedSubscription[],
  url: string,
  wanted: readonly string[],
): { create: string[]; remove: ListedSubscription[] } {
  const want = new Set(wanted);
  const kept = new Set<string>();
  const remove: ListedSubscription[] = [];
  for (const subscription of listed) {
    if (subscription.address !== url) continue;
    if (want.has(subscription.topic) && !kept.has(subscription.topic)) kept.add(subscription.topic);
    else remove.push(subscription);
  }
  return { create: [...want].filter((topic) => !kept.has(topic)), remove };
}
