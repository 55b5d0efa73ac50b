import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { graphClient } from '../support/clients.js';
import { useEmulator } from '../support/emulator.js';

/** $metadata (CSDL) and the service document: https://learn.microsoft.com/graph/traverse-the-graph#microsoft-graph-api-metadata */
const emu = useEmulator();

type Node = Record<string, unknown>;
const list = (v: unknown): Node[] => (v === undefined ? [] : Array.isArray(v) ? (v as Node[]) : [v as Node]);

interface Csdl {
  schemas: Node[];
  /** Every structural and navigation property of a type, its base types' included. */
  properties(qualifiedName: string): string[];
}

function parseCsdl(xml: string): Csdl {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as Node;
  const schemas = list(((doc['edmx:Edmx'] as Node)['edmx:DataServices'] as Node)['Schema']);
  const find = (qualified: string): Node | undefined => {
    for (const schema of schemas) {
      const ns = String(schema['Namespace']);
      if (!qualified.startsWith(`${ns}.`) || qualified.slice(ns.length + 1).includes('.')) continue;
      const name = qualified.slice(ns.length + 1);
      return [...list(schema['EntityType']), ...list(schema['ComplexType'])].find((t) => t['Name'] === name);
    }
    return undefined;
  };
  const properties = (qualified: string): string[] => {
    const type = find(qualified);
    if (type === undefined) throw new Error(`${qualified} is not in $metadata`);
    const own = [...list(type['Property']), ...list(type['NavigationProperty'])].map((p) => String(p['Name']));
    return typeof type['BaseType'] === 'string' ? [...properties(type['BaseType']), ...own] : own;
  };
  return { schemas, properties };
}

async function metadata(version: 'v1.0' | 'beta'): Promise<{ res: Response; csdl: Csdl }> {
  // No token: Graph serves its metadata to anyone.
  const res = await fetch(`${emu.url}/${version}/$metadata`);
  return { res, csdl: parseCsdl(await res.clone().text()) };
}

describe('GET /{version}/$metadata', () => {
  for (const version of ['v1.0', 'beta'] as const) {
    it(`${version}: CSDL XML, without a token, naming the types served and the container`, async () => {
      const { res, csdl } = await metadata(version);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/xml/);
      expect(csdl.schemas.map((s) => s['Namespace'])).toEqual(['microsoft.graph', 'microsoft.graph.callRecords']);
      const graph = csdl.schemas[0]!;
      const entityTypes = list(graph['EntityType']).map((t) => t['Name']);
      for (const name of ['entity', 'callRecording', 'callTranscript', 'onlineMeeting', 'adhocCall', 'call', 'subscription', 'user']) expect(entityTypes).toContain(name);
      expect(list(csdl.schemas[1]!['EntityType']).map((t) => t['Name'])).toContain('callRecord');
      expect(csdl.properties('microsoft.graph.callRecording')).toEqual(expect.arrayContaining(['id', 'callId', 'content', 'contentCorrelationId', 'meetingOrganizer', 'recordingContentUrl']));
      const container = graph['EntityContainer'] as Node;
      expect(list(container['EntitySet']).map((s) => s['Name'])).toEqual(['users', 'subscriptions']);
      expect(list(container['Singleton']).map((s) => s['Name'])).toEqual(['me', 'communications']);
    });
  }

  it('its entity types have the properties the routes return (a recording, a transcript, a user, a call record)', async () => {
    const { csdl } = await metadata('v1.0');
    const client = graphClient(emu);
    const { organizerUserId, meetingId } = emu.demo;
    const recordings = (await client.api(`/users/${organizerUserId}/onlineMeetings/${meetingId}/recordings`).get()) as { value: Array<Record<string, unknown>> };
    const transcripts = (await client.api(`/users/${organizerUserId}/onlineMeetings/${meetingId}/transcripts`).get()) as { value: Array<Record<string, unknown>> };
    const user = (await client.api(`/users/${organizerUserId}`).get()) as Record<string, unknown>;
    const records = (await client.api('/communications/callRecords').get()) as { value: Array<Record<string, unknown>> };
    const served: Array<[string, Record<string, unknown> | undefined]> = [
      ['microsoft.graph.callRecording', recordings.value[0]],
      ['microsoft.graph.callTranscript', transcripts.value[0]],
      ['microsoft.graph.user', user],
      ['microsoft.graph.callRecords.callRecord', records.value[0]],
    ];
    for (const [type, entity] of served) {
      expect(entity, type).toBeDefined();
      const names = Object.keys(entity!).filter((key) => !key.includes('@'));
      expect(names.length).toBeGreaterThan(3);
      expect(csdl.properties(type)).toEqual(expect.arrayContaining(names));
    }
  });
});

describe('GET /{version}/ (the service document)', () => {
  it('lists the entity sets and singletons served, with the $metadata context, without a token', async () => {
    for (const [path, version] of [
      ['/v1.0/', 'v1.0'],
      ['/v1.0', 'v1.0'],
      ['/beta/', 'beta'],
    ] as const) {
      const res = await fetch(`${emu.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({
        '@odata.context': `${emu.url}/${version}/$metadata`,
        value: [
          { name: 'users', kind: 'EntitySet', url: 'users' },
          { name: 'me', kind: 'Singleton', url: 'me' },
          { name: 'communications', kind: 'Singleton', url: 'communications' },
          { name: 'subscriptions', kind: 'EntitySet', url: 'subscriptions' },
        ],
      });
    }
  });

  it('every entity set and singleton it lists is in $metadata', async () => {
    const root = (await (await fetch(`${emu.url}/v1.0/`)).json()) as { value: Array<{ name: string; kind: string }> };
    const container = (await metadata('v1.0')).csdl.schemas[0]!['EntityContainer'] as Node;
    const declared = [...list(container['EntitySet']).map((s) => `EntitySet:${String(s['Name'])}`), ...list(container['Singleton']).map((s) => `Singleton:${String(s['Name'])}`)];
    expect(root.value.map((e) => `${e.kind}:${e.name}`).sort()).toEqual(declared.sort());
  });
});

describe('src/graph/metadata/csdl.generated.ts', () => {
  it('is what scripts/generate-csdl.mjs makes from the vendored schema (run it after updating test/fixtures/graph-schema)', async () => {
    const run = await promisify(execFile)(process.execPath, ['scripts/generate-csdl.mjs', '--check']).then(
      () => 0,
      (err: { code?: number; stderr?: string }) => {
        console.error(err.stderr);
        return err.code ?? 1;
      },
    );
    expect(run).toBe(0);
  });
});
