import type { MeteredApi, UsageEntry } from '../runtime/wire.js';
export type { MeteredApi, UsageEntry };

/**
 * Metered APIs (https://learn.microsoft.com/graph/api/callrecording-get: "This is a metered API"): every successful call an app makes to one is counted,
 * per tenant, app and API, so a developer can estimate a bill before going live. Counts live in the
 * process (they restart from zero, and each instance behind a load balancer counts its own).
 */
/**
 * List prices in USD per minute of content, the unit Microsoft bills these APIs by: $0.003 a minute of
 * recording, $0.0022 a minute of transcript (https://learn.microsoft.com/graph/teams-licenses and
 * https://learn.microsoft.com/graph/metered-api-list). The evaluation quota (600 minutes per app per
 * tenant per month without an Azure billing setup) is not deducted: the estimate is the bill beyond it.
 */
export const PRICE_PER_MINUTE_USD: Readonly<Record<MeteredApi, number>> = {
  onlineMeetingRecording: 0.003,
  adhocCallRecording: 0.003,
  onlineMeetingTranscript: 0.0022,
  adhocCallTranscript: 0.0022,
};

type Counted = Omit<UsageEntry, 'estimatedCostUsd'>;

export class UsageMeter {
  private readonly entries = new Map<string, Counted>();

  /** `contentMinutes`: the length of the recording or transcript whose content was downloaded (0 for metadata reads). */
  record(tenantId: string, clientId: string, api: MeteredApi, at: Date, contentMinutes = 0): void {
    const key = `${tenantId}|${clientId}|${api}`;
    const iso = at.toISOString();
    const entry = this.entries.get(key);
    if (entry === undefined) this.entries.set(key, { tenantId, clientId, api, calls: 1, contentMinutes, firstCallDateTime: iso, lastCallDateTime: iso });
    else {
      entry.calls += 1;
      entry.contentMinutes += contentMinutes;
      entry.lastCallDateTime = iso;
    }
  }

  list(tenantId?: string): UsageEntry[] {
    return [...this.entries.values()]
      .filter((e) => tenantId === undefined || e.tenantId === tenantId)
      .map((e) => ({
        ...e,
        contentMinutes: Math.round(e.contentMinutes * 1000) / 1000,
        // Rounded to a hundredth of a cent: the figure is an estimate, and float sums would show noise.
        estimatedCostUsd: Math.round(e.contentMinutes * PRICE_PER_MINUTE_USD[e.api] * 10_000) / 10_000,
      }))
      .sort((a, b) => a.tenantId.localeCompare(b.tenantId) || a.clientId.localeCompare(b.clientId) || a.api.localeCompare(b.api));
  }

  clear(): void {
    this.entries.clear();
  }
}
