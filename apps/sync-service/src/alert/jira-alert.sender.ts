import { Injectable } from '@nestjs/common';
import { ProviderCallError } from '@shelflink/resilience';
import type { JiraAlertTarget } from '../config/alert-targets.config.js';
import { AccountResolver } from '../provider/account.resolver.js';
import { ProviderHttpClient } from '../provider/provider-http.client.js';
import { SyncError } from '../provider/provider.errors.js';
import type { AlertDeliveryPayload, DueDelivery } from './alert-delivery.repository.js';
import { DeliveryFailed } from './alert-delivery.errors.js';

const SUMMARY_MAX = 250;

/**
 * Opens a Jira issue for a firing alert through the tenant's Atlassian connection (`POST /rest/api/3/issue`), on the
 * guarded path every provider call takes: the account's rate budget, its breaker, token renewal on 401.
 */
@Injectable()
export class JiraAlertSender {
  constructor(
    private readonly accounts: AccountResolver,
    private readonly http: ProviderHttpClient,
  ) {}

  async send(target: JiraAlertTarget, delivery: DueDelivery): Promise<void> {
    try {
      const account = await this.accounts.resolve(target.tenantId, target.connectionId);
      // Creating is not idempotent: within one attempt, retried only when Jira provably did not take it.
      const body = issueOf(target, delivery);
      await this.http.send(account, { method: 'POST', path: '/rest/api/3/issue', body, idempotent: false });
    } catch (error) {
      if (error instanceof ProviderCallError)
        throw new DeliveryFailed(`Jira ${error.status ?? 'network'} ${error.code}`);
      if (error instanceof SyncError) throw new DeliveryFailed(`Jira connection: ${error.code}`);
      throw error;
    }
  }
}

/** The issue fields; the description in Atlassian Document Format, as API v3 requires. */
function issueOf(target: JiraAlertTarget, delivery: DueDelivery) {
  const alert = delivery.payload.data;
  return {
    fields: {
      project: { key: target.projectKey },
      issuetype: { name: target.issueType },
      summary: `[Shelflink] ${alert.kind}: ${alert.key}`.slice(0, SUMMARY_MAX),
      labels: ['shelflink-alert', `shelflink-${alert.kind.replace(/_/g, '-')}`],
      description: {
        type: 'doc',
        version: 1,
        content: descriptionLines(delivery.payload).map((text) => ({
          type: 'paragraph',
          content: [{ type: 'text', text }],
        })),
      },
    },
  };
}

function descriptionLines(payload: AlertDeliveryPayload): string[] {
  const alert = payload.data;
  return [
    alert.cause,
    `Alert ${alert.kind} on ${alert.key}, firing since ${alert.firingSince}.`,
    ...(alert.tenantId ? [`Tenant ${alert.tenantId}`] : []),
    ...(alert.connectionId ? [`Connection ${alert.connectionId}`] : []),
    ...(alert.provider ? [`Provider ${alert.provider}`] : []),
  ];
}
