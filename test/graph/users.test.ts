import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { clientFailure, expectGraphFailure, expectGraphHeaders, graph, mintToken, tokenClient, VERSIONS, type Version } from './support/http.js';
import { expectGraphError } from '../support/graphSchema.js';
import { expectGraphUser } from './support/userSchema.js';

type Json = Record<string, unknown>;

describe('users', () => {
  let emu: TestEmulator;
  let adele: { id: string; userPrincipalName: string; displayName: string };
  let megan: { id: string; userPrincipalName: string };
  let appToken: string, adeleToken: string;

  beforeAll(async () => {
    emu = await startTestEmulator();
    adele = emu.demo.users.find((u) => u.userPrincipalName.startsWith('adele'))!;
    megan = emu.demo.users.find((u) => u.userPrincipalName.startsWith('megan'))!;
    [appToken, adeleToken] = await Promise.all([mintToken(emu), mintToken(emu, { userId: adele.id })]);
  });
  afterAll(async () => emu.stop());

  describe.each(VERSIONS)('on %s', (v: Version) => {
    it('GET /users/{id} and /users/{userPrincipalName} return the same user (official client)', async () => {
      const client = tokenClient(emu, appToken, v);
      const byId = (await client.api(`/users/${adele.id}`).get()) as Json;
      const byUpn = (await client.api(`/users/${adele.userPrincipalName}`).get()) as Json;
      expectGraphUser(byId);
      expectGraphUser(byUpn);
      expect(byId).toEqual(byUpn);
      expect(byId).toMatchObject({ id: adele.id, userPrincipalName: adele.userPrincipalName, displayName: adele.displayName, businessPhones: [] });
      expect(byId['@odata.context']).toBe(`${emu.url}/${v}/$metadata#users/$entity`);
    });

    it('GET /me with a delegated token is the signed-in user; User.Read is enough for oneself', async () => {
      const me = (await tokenClient(emu, adeleToken, v).api('/me').get()) as Json;
      expectGraphUser(me);
      expect(me['id']).toBe(adele.id);
      const onlyUserRead = await mintToken(emu, { userId: adele.id, scopes: ['User.Read'] });
      const self = await graph(emu, `/${v}/users/${adele.userPrincipalName.toUpperCase()}`, onlyUserRead);
      expect(self.status).toBe(200);
      expectGraphHeaders(self);
      expectGraphUser(self.body);
    });

    it('$select returns the selected properties and says so in @odata.context', async () => {
      const res = await graph(emu, `/${v}/users/${adele.id}?$select=displayName,MAIL,accountEnabled`, appToken);
      expect(res.status).toBe(200);
      expectGraphHeaders(res);
      expectGraphUser(res.body);
      expect(res.body).toEqual({
        '@odata.context': `${emu.url}/${v}/$metadata#users(displayName,mail,accountEnabled)/$entity`,
        displayName: adele.displayName,
        mail: adele.userPrincipalName,
        accountEnabled: true,
      });
      const viaClient = (await tokenClient(emu, adeleToken, v).api('/me').select(['id', 'userPrincipalName']).get()) as Json;
      expectGraphUser(viaClient);
      expect(Object.keys(viaClient).sort()).toEqual(['@odata.context', 'id', 'userPrincipalName']);
    });

    it('refuses $select of a property users do not have (400)', async () => {
      const res = await graph(emu, `/${v}/users/${adele.id}?$select=displayName,shoeSize`, appToken);
      expectGraphFailure(res, v, 400, 'BadRequest', "Could not find a property named 'shoeSize' on type 'microsoft.graph.user'.");
    });

    it('answers 404 Request_ResourceNotFound for an unknown id or UPN', async () => {
      for (const key of ['5f0b3a4e-0000-4000-8000-000000000000', 'nobody@contoso.onmicrosoft.com']) {
        const res = await graph(emu, `/${v}/users/${key}`, appToken);
        expectGraphFailure(res, v, 404, 'Request_ResourceNotFound', `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`);
      }
      const viaClient = await clientFailure(tokenClient(emu, appToken, v).api('/users/nobody@contoso.onmicrosoft.com').get());
      expect(viaClient.statusCode).toBe(404);
      expect(viaClient.code).toBe('Request_ResourceNotFound');
      expectGraphError(v, viaClient.body);
    });

    it('refuses /me to an app token (400) and other users to User.Read alone (403)', async () => {
      expectGraphFailure(await graph(emu, `/${v}/me`, appToken), v, 400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
      expectGraphFailure(await graph(emu, `/${v}/users/${megan.id}`, adeleToken), v, 403, 'Authorization_RequestDenied');
      const noUserRole = await mintToken(emu, { roles: ['OnlineMeetings.Read.All'] });
      expectGraphFailure(await graph(emu, `/${v}/users/${adele.id}`, noUserRole), v, 403, 'Authorization_RequestDenied');
    });
  });
});
