import { randomInt, randomUUID } from 'node:crypto';
import type { DomainContext } from '../domain/context.js';
import { DomainError } from '../runtime/errors.js';
import { insertPstnCalls, type PstnKind } from '../domain/pstnCalls.js';
import { listUsers } from '../domain/users.js';

export interface SimulatedPstnCalls {
  kind: PstnKind;
  count: number;
  /** Calls start within this many hours before now (default 24). */
  withinHours?: number;
}

export const MAX_PSTN_CALLS = 5000;

const phone = (): string => `+1425555${String(randomInt(0, 10000)).padStart(4, '0')}`;

/**
 * Simulated Calling Plan or Direct Routing calls by the tenant's users, spread over the last hours
 * of the virtual clock, in the shapes of getPstnCalls / getDirectRoutingCalls. Returns the row ids.
 */
export async function simulatePstnCalls(ctx: DomainContext, tenantId: string, input: SimulatedPstnCalls): Promise<string[]> {
  if (!Number.isInteger(input.count) || input.count < 1 || input.count > MAX_PSTN_CALLS) throw new DomainError('invalid', `count must be 1 to ${MAX_PSTN_CALLS}.`);
  const users = await listUsers(ctx, tenantId);
  if (users.length === 0) throw new DomainError('invalid', `Tenant '${tenantId}' has no users to make calls.`);
  const now = ctx.clock.nowMs();
  const spanMs = Math.max(1, input.withinHours ?? 24) * 3_600_000;
  const rows: Array<Record<string, unknown>> = [];
  for (let i = 0; i < input.count; i++) {
    const user = users[i % users.length]!;
    const start = now - spanMs + Math.floor((spanMs * i) / input.count);
    const duration = randomInt(15, 1800);
    const outbound = i % 2 === 0;
    const own = phone();
    const other = phone();
    const common = {
      id: randomUUID(),
      userId: user.id,
      userPrincipalName: user.userPrincipalName,
      userDisplayName: user.displayName,
      startDateTime: new Date(start).toISOString(),
      endDateTime: new Date(start + duration * 1000).toISOString(),
      duration,
      callerNumber: outbound ? own : other,
      calleeNumber: outbound ? other : own,
    };
    if (input.kind === 'pstn') {
      rows.push({
        ...common,
        callId: `${randomUUID()}`,
        callType: outbound ? 'user_out' : 'user_in',
        charge: outbound ? Number(((duration / 60) * 0.02).toFixed(2)) : 0,
        connectionCharge: 0,
        currency: 'USD',
        destinationContext: outbound ? 'Domestic' : null,
        destinationName: outbound ? 'United States' : null,
        conferenceId: null,
        licenseCapability: 'MCOPSTNU',
        inventoryType: 'Subscriber',
        operator: 'Microsoft',
        callDurationSource: 'microsoft',
        tenantCountryCode: 'US',
        usageCountryCode: 'US',
      });
    } else {
      const failed = i % 10 === 9;
      rows.push({
        ...common,
        correlationId: randomUUID(),
        inviteDateTime: new Date(start - 2000).toISOString(),
        failureDateTime: failed ? new Date(start).toISOString() : null,
        callType: outbound ? 'ByotOut' : 'ByotIn',
        successfulCall: !failed,
        finalSipCode: failed ? 486 : 0,
        finalSipCodePhrase: failed ? 'Busy Here' : 'BYE',
        callEndSubReason: failed ? 560486 : 540000,
        trunkFullyQualifiedDomainName: 'sbc1.contoso.com',
        mediaBypassEnabled: false,
        mediaPathLocation: 'USWE',
        signalingLocation: 'USWE',
      });
    }
  }
  await insertPstnCalls(ctx, tenantId, input.kind, rows);
  return rows.map((r) => String(r['id']));
}
