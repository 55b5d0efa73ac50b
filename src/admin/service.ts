import { createAccessPolicy, deleteAccessPolicy, listAccessPolicies, type AccessPolicy, type NewAccessPolicy } from '../domain/accessPolicies.js';
import { createApp, deleteApp, findApp, listApps, updateApp, type App, type AppChanges, type NewApp } from '../domain/apps.js';
import { DomainError } from '../domain/errors.js';
import { installTeamsApp, listTeamsAppInstallations, uninstallTeamsApp, type NewTeamsAppInstallation, type TeamsAppInstallation } from '../domain/installations.js';
import { createMeeting, listMeetings, type Meeting, type NewMeeting } from '../domain/meetings.js';
import { createTenant, deleteTenant, findTenant, listTenants, type NewTenant, type Tenant } from '../domain/tenants.js';
import { createUser, deleteUser, findUser, listUsers, type NewUser, type User } from '../domain/users.js';
import { issueAppToken, issueUserToken, GRAPH_RESOURCE } from '../auth/tokens.js';
import { parseDurationMs } from '../simulation/duration.js';
import { demoTenantInfo, ensureDemoTenant, type DemoTenant } from '../simulation/demoTenant.js';
import type { FaultRule, FaultRuleInput } from '../simulation/faults.js';
import { emptyStore } from '../store/reset.js';
import type { Services } from '../services.js';

export interface ClockView {
  now: string;
  frozen: boolean;
  /** Milliseconds the virtual clock runs ahead of (positive) or behind wall time. */
  offsetMs: number;
}

export type ClockCommand =
  | { freeze: true }
  | { unfreeze: true }
  | { set: string }
  | { advance: string | number };

export interface MintTokenRequest {
  clientId: string;
  /** A user of the app's tenant: a delegated token; otherwise app-only. */
  userId?: string;
  /** Override the app's consented roles (app-only) or scopes (delegated). */
  roles?: string[];
  scopes?: string[];
  /** Seconds; negative makes an already expired token. Default 3599. */
  lifetimeSeconds?: number;
  /** Seconds from now before which the token is not valid. */
  notBeforeSeconds?: number;
  audience?: string;
}

/**
 * The control API's operations, shared by the HTTP routes under /_emulator and the library's
 * `emulator.admin`, so both behave the same.
 */
export class AdminService {
  constructor(private readonly services: Services) {}

  private get ctx() {
    return this.services.ctx;
  }

  demo(): DemoTenant {
    return demoTenantInfo(this.services.caCertificatePem);
  }

  // Directory ------------------------------------------------------------------------------------
  listTenants(): Promise<Tenant[]> {
    return listTenants(this.ctx);
  }
  createTenant(input: NewTenant): Promise<Tenant> {
    return createTenant(this.ctx, input);
  }
  async deleteTenant(id: string): Promise<void> {
    await deleteTenant(this.ctx, id);
    this.services.verifier.clear();
  }
  async listUsers(tenantId: string): Promise<User[]> {
    await this.requireTenant(tenantId);
    return listUsers(this.ctx, tenantId);
  }
  createUser(input: NewUser): Promise<User> {
    return createUser(this.ctx, input);
  }
  deleteUser(tenantId: string, userId: string): Promise<void> {
    return deleteUser(this.ctx, tenantId, userId);
  }
  async listApps(tenantId: string): Promise<App[]> {
    await this.requireTenant(tenantId);
    return listApps(this.ctx, tenantId);
  }
  createApp(input: NewApp): Promise<App> {
    return createApp(this.ctx, input);
  }
  async updateApp(tenantId: string, clientId: string, changes: AppChanges): Promise<App> {
    await this.requireApp(tenantId, clientId);
    return updateApp(this.ctx, clientId, changes);
  }
  async deleteApp(tenantId: string, clientId: string): Promise<void> {
    await this.requireApp(tenantId, clientId);
    await deleteApp(this.ctx, clientId);
  }
  async listAccessPolicies(tenantId: string): Promise<AccessPolicy[]> {
    await this.requireTenant(tenantId);
    return listAccessPolicies(this.ctx, tenantId);
  }
  createAccessPolicy(input: NewAccessPolicy): Promise<AccessPolicy> {
    return createAccessPolicy(this.ctx, input);
  }
  deleteAccessPolicy(tenantId: string, id: string): Promise<void> {
    return deleteAccessPolicy(this.ctx, tenantId, id);
  }
  async listTeamsAppInstallations(tenantId: string): Promise<TeamsAppInstallation[]> {
    await this.requireTenant(tenantId);
    return listTeamsAppInstallations(this.ctx, tenantId);
  }
  async installTeamsApp(tenantId: string, input: NewTeamsAppInstallation): Promise<TeamsAppInstallation> {
    await this.requireTenant(tenantId);
    const installation = await installTeamsApp(this.ctx, input);
    if (installation.tenantId !== tenantId) {
      await uninstallTeamsApp(this.ctx, installation.tenantId, installation.id);
      throw new DomainError('notFound', `Meeting '${input.meetingId}' was not found in tenant '${tenantId}'.`);
    }
    return installation;
  }
  uninstallTeamsApp(tenantId: string, id: string): Promise<void> {
    return uninstallTeamsApp(this.ctx, tenantId, id);
  }
  async listMeetings(tenantId: string, organizerId?: string): Promise<Meeting[]> {
    await this.requireTenant(tenantId);
    return listMeetings(this.ctx, tenantId, organizerId);
  }
  /** Meetings made here have a calendar event, unlike those made through Graph's create API. */
  createMeeting(input: NewMeeting): Promise<Meeting> {
    return createMeeting(this.ctx, input);
  }

  // Clock ------------------------------------------------------------------------------------------
  clock(): ClockView {
    const { clock } = this.ctx;
    const state = clock.state();
    return { now: clock.now().toISOString(), frozen: clock.frozen, offsetMs: state.frozenAtMs === null ? state.offsetMs : state.frozenAtMs - Date.now() };
  }

  async moveClock(command: ClockCommand): Promise<ClockView> {
    const { clock } = this.ctx;
    if ('freeze' in command) clock.freeze();
    else if ('unfreeze' in command) clock.unfreeze();
    else if ('set' in command) {
      const t = Date.parse(command.set);
      if (Number.isNaN(t)) throw new DomainError('invalid', `'${command.set}' is not an ISO 8601 date and time.`);
      await clock.set(new Date(t));
    } else {
      const ms = typeof command.advance === 'number' ? command.advance : parseDurationMs(command.advance);
      if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
        throw new DomainError('invalid', `'${String(command.advance)}' is not a forward ISO 8601 duration such as PT30M or P30D.`);
      }
      await clock.advance(ms);
    }
    return this.clock();
  }

  // Faults -----------------------------------------------------------------------------------------
  listFaults(): FaultRule[] {
    return this.services.faults.list();
  }
  addFault(input: FaultRuleInput): FaultRule {
    if (input.status !== undefined && (input.status < 400 || input.status > 599)) throw new DomainError('invalid', 'A fault status must be 400–599.');
    if (input.status === undefined && (input.latencyMs ?? 0) <= 0) throw new DomainError('invalid', 'A fault needs a status, a latencyMs, or both.');
    if (input.probability !== undefined && (input.probability < 0 || input.probability > 1)) throw new DomainError('invalid', 'probability must be between 0 and 1.');
    return this.services.faults.add(input);
  }
  removeFault(id: string): void {
    if (!this.services.faults.remove(id)) throw new DomainError('notFound', `Fault '${id}' was not found.`);
  }
  clearFaults(): void {
    this.services.faults.clear();
  }

  // Tokens -----------------------------------------------------------------------------------------
  /** Mint a Graph token directly, e.g. an expired one or one lacking a role, to test a client's error handling. */
  async mintToken(input: MintTokenRequest): Promise<{ access_token: string; expires_on: number }> {
    const app = await findApp(this.ctx, input.clientId);
    if (app === undefined) throw new DomainError('notFound', `App '${input.clientId}' was not found.`);
    const issuedAt = Math.floor(Date.now() / 1000);
    const lifetimeSeconds = input.lifetimeSeconds ?? 3599;
    const times = { issuedAt: lifetimeSeconds < 0 ? issuedAt + lifetimeSeconds - 3600 : issuedAt, lifetimeSeconds: lifetimeSeconds < 0 ? 3600 : lifetimeSeconds, ...(input.notBeforeSeconds !== undefined ? { notBefore: issuedAt + input.notBeforeSeconds } : {}) };
    const audience = input.audience ?? GRAPH_RESOURCE;
    let token: string;
    if (input.userId !== undefined) {
      const user = await findUser(this.ctx, app.tenantId, input.userId);
      if (user === undefined) throw new DomainError('notFound', `User '${input.userId}' was not found in the app's tenant.`);
      token = await issueUserToken(this.services.keys, {
        tenantId: app.tenantId,
        clientId: app.clientId,
        appDisplayName: app.displayName,
        userId: user.id,
        userPrincipalName: user.userPrincipalName,
        displayName: user.displayName,
        givenName: user.givenName,
        surname: user.surname,
        scopes: input.scopes ?? app.delegatedPermissions,
      }, times, audience);
    } else {
      token = await issueAppToken(this.services.keys, {
        tenantId: app.tenantId,
        clientId: app.clientId,
        servicePrincipalId: app.servicePrincipalId,
        appDisplayName: app.displayName,
        roles: input.roles ?? app.applicationPermissions,
      }, times, audience);
    }
    return { access_token: token, expires_on: times.issuedAt + times.lifetimeSeconds };
  }

  // Reset ------------------------------------------------------------------------------------------
  /** Empty the store back to the demo tenant; faults cleared, clock back on wall time. */
  async reset(): Promise<DemoTenant> {
    await emptyStore(this.ctx.db);
    this.services.faults.clear();
    this.services.verifier.clear();
    await this.ctx.clock.set(new Date());
    this.ctx.clock.unfreeze();
    if (this.services.config.demo) await ensureDemoTenant(this.ctx);
    return this.demo();
  }

  private async requireTenant(tenantId: string): Promise<void> {
    if ((await findTenant(this.ctx, tenantId)) === undefined) throw new DomainError('notFound', `Tenant '${tenantId}' was not found.`);
  }

  private async requireApp(tenantId: string, clientId: string): Promise<void> {
    const app = await findApp(this.ctx, clientId);
    if (app === undefined || app.tenantId !== tenantId) throw new DomainError('notFound', `App '${clientId}' was not found in tenant '${tenantId}'.`);
  }
}
