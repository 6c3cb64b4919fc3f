import { setFlagsFromString } from 'node:v8';
import { z } from 'zod';

/** V8's heap growth after a full GC, in percent (V8 itself grows up to 300); 0 leaves V8's default. */
export const heapGrowingPercent = z.coerce.number().int().min(0).max(300).default(50);

// Imported first by main.ts: a full GC during module loading must already use this growth, or V8 can set its next
// limit at several times the live heap and RSS then depends on how long a sync runs. A bad value is left to the
// config schema, which refuses to start.
const parsed = heapGrowingPercent.safeParse(process.env.SYNC_HEAP_GROWING_PERCENT);
if (parsed.success && parsed.data > 0) setFlagsFromString(`--heap-growing-percent=${parsed.data}`);
