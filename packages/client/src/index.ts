export { ShelflinkClient, type ClientOptions, type NetSuiteRequest, type ProviderToken } from './client.js';
export type {
  ProviderRequestRequest,
  ProviderRequestResponse,
} from '../../../libs/contracts/src/provider/provider-request.v1.js';
export { credentialsSchema, type ShelflinkCredentials } from './credentials.js';
export { ShelflinkError, type ShelflinkErrorCode } from './errors.js';
export { Records, type RecordChange, type RecordSubscription, type SubscribeOptions } from './records.js';
