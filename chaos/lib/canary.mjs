// Canary secrets: unique strings seeded into every secret the services get, searched afterwards in every captured
// output in each encoding a leak could take (raw, base64, base64url, hex, URL-encoded).

/** Canary values for one run, derived from the seeded rng so a run can be reproduced. */
export function makeCanaries(rng) {
  const token = (label) => `cnry${label}${rng.hex(10)}`;
  const masterKeyBytes = Buffer.from(`cnrymasterkey-${rng.hex(9)}`.padEnd(32, 'k').slice(0, 32));
  return {
    natsGateway: token('natsgw'),
    natsAuth: token('natsauth'),
    natsWebhook: token('natswh'),
    natsSync: token('natssync'),
    natsOperator: token('natsop'),
    masterKey: masterKeyBytes.toString('base64'),
    masterKeyBytes,
    apiKey: `slk_${Buffer.from(`cnryapikey${rng.hex(16)}`)
      .toString('base64url')
      .slice(0, 43)}`,
    clientSecret: token('clientsecret'),
    accessToken: token('accesstoken'),
    webhookSecret: token('whsecret'),
  };
}

/** Every searchable form of every canary secret: `[{ name, form, needle }]`. */
export function canaryNeedles(canaries) {
  const needles = [];
  for (const [name, value] of Object.entries(canaries)) {
    if (name === 'masterKeyBytes') {
      needles.push({ name, form: 'hex', needle: value.toString('hex') });
      needles.push({ name, form: 'base64url', needle: value.toString('base64url') });
      needles.push({ name, form: 'raw', needle: value.toString('latin1') });
      continue;
    }
    const raw = Buffer.from(value);
    needles.push({ name, form: 'raw', needle: value });
    needles.push({ name, form: 'hex', needle: raw.toString('hex') });
    needles.push({ name, form: 'url', needle: encodeURIComponent(value) });
    for (const offset of [0, 1, 2]) {
      needles.push({ name, form: 'base64', needle: base64Core(raw, offset, 'base64') });
      needles.push({ name, form: 'base64url', needle: base64Core(raw, offset, 'base64url') });
    }
  }
  // Dedup equal needles (a canary without special characters is the same raw and URL-encoded).
  return [...new Map(needles.map((n) => [n.needle, n])).values()].filter((n) => n.needle.length >= 12);
}

/**
 * The part of base64(prefix + value) that depends on `value` alone, for a prefix of `offset` bytes, so a canary
 * embedded at any position of a longer encoded string (a Basic auth header, a JWT) is still found.
 */
function base64Core(raw, offset, encoding) {
  const encoded = Buffer.concat([Buffer.alloc(offset), raw])
    .toString(encoding)
    .replace(/=+$/, '');
  const skip = [0, 2, 3][offset];
  return encoded.slice(skip, encoded.length - 3);
}

/** Searches each artifact (`{ source, text }`) for every needle; returns the hits (should be none). */
export function scanForCanaries(artifacts, needles) {
  const hits = [];
  for (const artifact of artifacts) {
    const lower = artifact.text.toLowerCase();
    for (const { name, form, needle } of needles) {
      const found = form === 'hex' ? lower.includes(needle.toLowerCase()) : artifact.text.includes(needle);
      if (found) hits.push({ source: artifact.source, canary: name, form });
    }
  }
  return hits;
}
