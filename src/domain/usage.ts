/**
 * Metered APIs (https://learn.microsoft.com/graph/api/callrecording-get: "This is a metered API"): every successful call an app makes to one is counted,
 * per tenant, app and API, so a developer can estimate a bill before going live. Counts live in the
 * process (they restart from zero, and each instance behind a load balancer counts its own).
 */
export type MeteredApi = 'onlineMeetingRecording' | 'onlineMeetingTranscript' | 'adhocCallRecording' | 'adhocCallTranscript';

export interface UsageEntry {
  tenantId: string;
  clientId: string;
  api: MeteredApi;
  calls: number;
  firstCallDateTime: string;
  lastCallDateTime: string;
}

export class UsageMeter {
  private readonly entries = new Map<string, UsageEntry>();

  record(tenantId: string, clientId: string, api: MeteredApi, at: Date): void {
    const key = `${tenantId}|${clientId}|${api}`;
    const iso = at.toISOString();
    const entry = this.entries.get(key);
    if (entry === undefined) this.entries.set(key, { tenantId, clientId, api, calls: 1, firstCallDateTime: iso, lastCallDateTime: iso });
    else {
      entry.calls += 1;
      entry.lastCallDateTime = iso;
    }
  }

  list(tenantId?: string): UsageEntry[] {
    return [...this.entries.values()]
      .filter((e) => tenantId === undefined || e.tenantId === tenantId)
      .map((e) => ({ ...e }))
      .sort((a, b) => a.tenantId.localeCompare(b.tenantId) || a.clientId.localeCompare(b.clientId) || a.api.localeCompare(b.api));
  }

  clear(): void {
    this.entries.clear();
  }
}
