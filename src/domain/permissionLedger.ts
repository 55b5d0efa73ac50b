import type { PermissionRule } from './permissions.js';
import type { PermissionKind, PermissionUse } from '../runtime/wire.js';
export type { PermissionKind, PermissionUse };

/**
 * What each app's Graph calls needed (issue 14 item 9): authorize() (src/graph/authorize.ts) notes here,
 * per app and operation, which permission satisfied an authorized request, or, for a refused one, which
 * permissions would have. The permissions report (permissionReport.ts) is computed from these entries
 * and the same permission tables. Kept in the process, like the metered-API usage counts.
 */

/** Distinct (app, operation, outcome, permission) entries kept; beyond it new kinds of entries are not kept (counts still are). */
const MAX_ENTRIES = 10_000;

export class PermissionLedger {
  private readonly entries = new Map<string, PermissionUse>();

  record(entry: Omit<PermissionUse, 'calls' | 'lastCallDateTime' | 'accepted' | 'acceptedRsc'> & { rule: PermissionRule }, at: Date): void {
    const { rule, ...use } = entry;
    const key = [use.tenantId, use.clientId, use.kind, use.operation, use.outcome, use.satisfiedBy ?? '', use.via ?? '', use.accessPolicyMissing ? '1' : ''].join('|');
    const known = this.entries.get(key);
    if (known !== undefined) {
      known.calls += 1;
      known.lastCallDateTime = at.toISOString();
      return;
    }
    if (this.entries.size >= MAX_ENTRIES) return;
    const accepted = (use.kind === 'application' ? rule.application : rule.delegated) ?? [];
    this.entries.set(key, { ...use, accepted: [...accepted], acceptedRsc: use.kind === 'application' ? [...(rule.rsc ?? [])] : [], calls: 1, lastCallDateTime: at.toISOString() });
  }

  /** One app's entries, oldest first. */
  of(tenantId: string, clientId: string): PermissionUse[] {
    return [...this.entries.values()].filter((e) => e.tenantId === tenantId && e.clientId === clientId).map((e) => ({ ...e, accepted: [...e.accepted], acceptedRsc: [...e.acceptedRsc] }));
  }

  clear(): void {
    this.entries.clear();
  }
}
