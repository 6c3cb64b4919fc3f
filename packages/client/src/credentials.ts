import { z } from 'zod';
import { consumerServiceName } from '../../../libs/contracts/src/services/consumer-service.js';

/** Exactly the JSON `npx shelflink services add` prints. */
export const credentialsSchema = z.object({
  service: consumerServiceName,
  natsUrl: z.string().min(1),
  user: z.string().min(1),
  password: z.string().min(1),
  inboxPrefix: z.string().min(1),
});
export type ShelflinkCredentials = z.infer<typeof credentialsSchema>;
