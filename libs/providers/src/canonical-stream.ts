/** The four canonical record streams a provider can feed. */
export type CanonicalStream = 'locations' | 'products' | 'inventory' | 'orders';
