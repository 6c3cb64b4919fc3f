import { Injectable } from '@nestjs/common';
import { ProviderCallError } from '@shelflink/resilience';
import { z } from 'zod';
import type { JiraAlertTarget } from '../config/alert-targets.config.js';
import { SyncConfig } from '../config/sync.config.js';
import { AccountResolver } from '../provider/account.resolver.js';
import type { ProviderAccount } from '../provider/provider-catalog.service.js';
import { ProviderHttpClient } from '../provider/provider-http.client.js';
import { SyncError } from '../provider/provider.errors.js';
import type { AlertDeliveryPayload, DueDelivery } from './alert-delivery.repository.js';
import { DeliveryFailed } from './alert-delivery.errors.js';

const SUMMARY_MAX = 250;

const searchPage = z.object({ issues: z.array(z.unknown()) });

/** The label that ties an issue to its delivery (Jira labels hold no spaces; a uuid has none). */
export const deliveryLabel = (deliveryId: string): string => `shelflink-delivery-${deliveryId}`;

/**
 * Opens a Jira issue for a firing alert through the tenant's Atlassian connection (`POST /rest/api/3/issue`), on the
 * guarded path every provider call takes: the account's rate budget, its breaker, token renewal on 401. The issue
 * carries its delivery's label, and each attempt first searches for it, so a retry never opens a second issue.
 */
@Injectable()
export class JiraAlertSender {
  constructor(
    private readonly accounts: AccountResolver,
    private readonly http: ProviderHttpClient,
    private readonly config: SyncConfig,
  ) {}

  async send(target: JiraAlertTarget, delivery: DueDelivery): Promise<void> {
    // Each call's retries stay within one attempt's time, well inside the row's lease.
    const deadlineMs = this.config.SYNC_ALERT_DELIVERY_TIMEOUT_MS;
    let creating = false;
    try {
      const account = await this.accounts.resolve(target.tenantId, target.connectionId);
      const label = deliveryLabel(delivery.id);
      // On every attempt, not only retries: a replica that died after creating leaves the row at 0 attempts.
      if (await this.issueExists(account, label, deadlineMs)) return;
      creating = true;
      // Creating is not idempotent: within one attempt, retried only when Jira provably did not take it.
      const body = issueOf(target, delivery, label);
      await this.http.send(account, { method: 'POST', path: '/rest/api/3/issue', body, idempotent: false, deadlineMs });
    } catch (error) {
      throw this.failure(error, creating);
    }
  }

  private async issueExists(account: ProviderAccount, label: string, deadlineMs: number): Promise<boolean> {
    const query = new URLSearchParams({ jql: `labels = "${label}"`, maxResults: '1', fields: 'id' });
    const path = `/rest/api/3/search/jql?${query.toString()}`;
    const response = await this.http.send(account, { method: 'GET', path, deadlineMs });
    const page = searchPage.safeParse(parseJson(response.text));
    if (!page.success) throw new DeliveryFailed('Jira search answered an unexpected body');
    return page.data.issues.length > 0;
  }

  private failure(error: unknown, creating: boolean): unknown {
    if (error instanceof ProviderCallError) {
      // Jira may hold the issue although the answer was lost: retry once its search can see it.
      const settleMs = creating && mayHaveCreated(error) ? this.config.SYNC_ALERT_JIRA_SETTLE_MS : 0;
      return new DeliveryFailed(`Jira ${error.status ?? 'network'} ${error.code}`, settleMs);
    }
    if (error instanceof SyncError) return new DeliveryFailed(`Jira connection: ${error.code}`);
    return error;
  }
}

// A timeout, a reset after sending, or a 5xx; a 4xx or a refused connection proves nothing was created.
function mayHaveCreated(error: ProviderCallError): boolean {
  return !error.notProcessed && (error.status === undefined || error.status >= 500);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The issue fields; the description in Atlassian Document Format, as API v3 requires. */
function issueOf(target: JiraAlertTarget, delivery: DueDelivery, label: string) {
  const alert = delivery.payload.data;
  return {
    fields: {
      project: { key: target.projectKey },
      issuetype: { name: target.issueType },
      summary: `[Shelflink] ${alert.kind}: ${alert.key}`.slice(0, SUMMARY_MAX),
      labels: ['shelflink-alert', `shelflink-${alert.kind.replace(/_/g, '-')}`, label],
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
