import { describe, expect, it } from 'vitest';
import { GRAPH_VERSION_PREFIX, graphVersionOf, versionedRouteUrl } from '../../src/http/versions.js';
import { useEmulator } from '../support/emulator.js';

/** The Graph routes sit once under `/:graphVersion(...)` (http/versions.ts) and serve both versions. */
describe('the version prefix', () => {
  it('reads the version from the route parameter, in any case, and nothing else', () => {
    expect(graphVersionOf({ graphVersion: 'v1.0' })).toBe('v1.0');
    expect(graphVersionOf({ graphVersion: 'BETA' })).toBe('beta');
    expect(graphVersionOf({ graphVersion: 'v2' })).toBeUndefined();
    expect(graphVersionOf({ tenant: 'beta' })).toBeUndefined();
    expect(graphVersionOf(undefined)).toBeUndefined();
  });

  it('names a route by the version the request used (the permissions report)', () => {
    expect(versionedRouteUrl(`${GRAPH_VERSION_PREFIX}/users/:userId`, 'beta')).toBe('/beta/users/:userId');
    expect(versionedRouteUrl('/_emulator/health', 'v1.0')).toBe('/_emulator/health');
  });

  describe('routing', () => {
    const emu = useEmulator();

    it('serves each version, whatever its case, with links in that version', async () => {
      for (const [path, version] of [
        ['/BETA/', 'beta'],
        ['/v1.0', 'v1.0'],
        ['/V1.0/', 'v1.0'],
      ] as const) {
        const res = await fetch(`${emu.url}${path}`);
        expect(res.status).toBe(200);
        expect(((await res.json()) as Record<string, unknown>)['@odata.context']).toBe(`${emu.url}/${version}/$metadata`);
      }
    });

    it('routes no other first segment to Graph: a near miss is a 404, another version a 400', async () => {
      const near = await fetch(`${emu.url}/v1.0x/me`);
      expect(near.status).toBe(404);
      expect(((await near.json()) as { error: { code: string } }).error.code).toBe('NotFound');
      const other = await fetch(`${emu.url}/v2/me`);
      expect(other.status).toBe(400);
      expect(((await other.json()) as { error: { message: string } }).error.message).toBe('Invalid version: v2');
    });

    it('still reaches the identity routes under a tenant named like a version', async () => {
      const res = await fetch(`${emu.url}/beta/discovery/v2.0/keys`);
      expect(res.status).toBe(200);
      expect(Array.isArray(((await res.json()) as { keys: unknown }).keys)).toBe(true);
    });
  });
});
