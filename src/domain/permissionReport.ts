import type { PermissionKind, PermissionUse } from './permissionLedger.js';
import type { PermissionKindReport, PermissionsReport } from '../runtime/wire.js';
export type { PermissionKindReport, PermissionsReport };

/**
 * An app's least-privilege report: per permission kind, what it was granted, what its calls used, what
 * refused calls lacked, and the smallest set to request for admin consent that covers every operation
 * it called (authorized or refused), each operation by the least privileged permission its rule accepts.
 */

const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort((a, b) => a.localeCompare(b));

/**
 * The smallest covering set, greedily: operations with the fewest acceptable permissions choose first,
 * each the least privileged it accepts (the rule lists it first) unless a permission already chosen covers it.
 */
export function minimalPermissions(operations: ReadonlyArray<{ accepted: readonly string[] }>): string[] {
  const chosen = new Set<string>();
  const needs = operations.filter((o) => o.accepted.length > 0).sort((a, b) => a.accepted.length - b.accepted.length);
  for (const op of needs) {
    if (op.accepted.some((p) => chosen.has(p))) continue;
    chosen.add(op.accepted[0]!);
  }
  return sorted(chosen);
}

function kindReport(kind: PermissionKind, granted: readonly string[], uses: readonly PermissionUse[]): PermissionKindReport {
  const mine = uses.filter((u) => u.kind === kind);
  const used = sorted(mine.flatMap((u) => (u.outcome === 'authorized' && u.via !== 'rsc' && u.satisfiedBy !== null ? [u.satisfiedBy] : [])));
  const grantedSet = new Set(granted);
  // RSC-authorized calls need no tenant-wide permission: they are not operations to cover.
  const toCover = mine.filter((u) => u.via !== 'rsc');
  const refusedNeeds = minimalPermissions(toCover.filter((u) => u.outcome === 'refused'));
  return {
    granted: sorted(granted),
    used,
    unused: sorted(granted).filter((p) => !used.includes(p)),
    missing: refusedNeeds.filter((p) => !grantedSet.has(p)),
    minimal: minimalPermissions(toCover),
  };
}

export function permissionsReport(
  app: { tenantId: string; clientId: string; displayName: string; applicationPermissions: readonly string[]; delegatedPermissions: readonly string[] },
  uses: readonly PermissionUse[],
): PermissionsReport {
  return {
    tenantId: app.tenantId,
    clientId: app.clientId,
    displayName: app.displayName,
    application: kindReport('application', app.applicationPermissions, uses),
    delegated: kindReport('delegated', app.delegatedPermissions, uses),
    resourceSpecific: sorted(uses.flatMap((u) => (u.via === 'rsc' && u.satisfiedBy !== null ? [u.satisfiedBy] : []))),
    operations: [...uses].sort((a, b) => a.operation.localeCompare(b.operation) || a.kind.localeCompare(b.kind) || a.outcome.localeCompare(b.outcome)),
  };
}
