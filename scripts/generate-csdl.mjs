#!/usr/bin/env node
// Generates src/graph/metadata/csdl.generated.ts: a compact CSDL ($metadata) per Graph version for the
// types the emulator serves, from the vendored schema extract (test/fixtures/graph-schema/*/types-meta.json,
// itself taken from Microsoft's msgraph-metadata CSDL). The extract is test-only, so the runtime gets
// this generated file. Run `node scripts/generate-csdl.mjs` after updating the extract;
// test/graph/metadata.test.ts fails while the committed file is out of date (`--check` prints the same).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(root, 'src/graph/metadata/csdl.generated.ts');
const VERSIONS = ['v1.0', 'beta'];

/**
 * microsoft.graph.user is served (/users/{id}, /me) but outside the extract: the properties the
 * emulator returns (src/graph/users/shape.ts), typed as in the v1.0 CSDL. user derives from
 * directoryObject there.
 */
const USER_TYPES = {
  'microsoft.graph.directoryObject': {
    kind: 'EntityType',
    namespace: 'microsoft.graph',
    baseType: 'microsoft.graph.entity',
    openType: true,
    properties: [{ name: 'deletedDateTime', type: 'Edm.DateTimeOffset', nullable: true }],
  },
  'microsoft.graph.user': {
    kind: 'EntityType',
    namespace: 'microsoft.graph',
    baseType: 'microsoft.graph.directoryObject',
    openType: true,
    properties: [
      { name: 'accountEnabled', type: 'Edm.Boolean', nullable: true },
      { name: 'businessPhones', type: 'Collection(Edm.String)', nullable: false },
      { name: 'displayName', type: 'Edm.String', nullable: true },
      { name: 'givenName', type: 'Edm.String', nullable: true },
      { name: 'identities', type: 'Collection(microsoft.graph.objectIdentity)', nullable: true },
      { name: 'imAddresses', type: 'Collection(Edm.String)', nullable: true },
      { name: 'jobTitle', type: 'Edm.String', nullable: true },
      { name: 'mail', type: 'Edm.String', nullable: true },
      { name: 'mailNickname', type: 'Edm.String', nullable: true },
      { name: 'mobilePhone', type: 'Edm.String', nullable: true },
      { name: 'officeLocation', type: 'Edm.String', nullable: true },
      { name: 'otherMails', type: 'Collection(Edm.String)', nullable: false },
      { name: 'preferredLanguage', type: 'Edm.String', nullable: true },
      { name: 'proxyAddresses', type: 'Collection(Edm.String)', nullable: false },
      { name: 'surname', type: 'Edm.String', nullable: true },
      { name: 'userPrincipalName', type: 'Edm.String', nullable: true },
      { name: 'userType', type: 'Edm.String', nullable: true },
      { name: 'onlineMeetings', type: 'Collection(microsoft.graph.onlineMeeting)', nullable: true, navigation: true, containsTarget: true },
      { name: 'adhocCalls', type: 'Collection(microsoft.graph.adhocCall)', nullable: true, navigation: true, containsTarget: true },
    ],
  },
  'microsoft.graph.objectIdentity': {
    kind: 'ComplexType',
    namespace: 'microsoft.graph',
    baseType: null,
    properties: [
      { name: 'issuer', type: 'Edm.String', nullable: true },
      { name: 'issuerAssignedId', type: 'Edm.String', nullable: true },
      { name: 'signInType', type: 'Edm.String', nullable: true },
    ],
  },
};

/** What the emulator serves at the service root: entity sets and singletons (the service document lists the same). */
export const CONTAINER = [
  { kind: 'EntitySet', name: 'users', type: 'microsoft.graph.user' },
  { kind: 'Singleton', name: 'me', type: 'microsoft.graph.user' },
  { kind: 'Singleton', name: 'communications', type: 'microsoft.graph.cloudCommunications' },
  { kind: 'EntitySet', name: 'subscriptions', type: 'microsoft.graph.subscription' },
];

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** The Kiota-sourced beta properties have numbers typed only as `number`. */
const edmType = (t) => t.replace(/^number$/, 'Edm.Double').replace(/^Collection\(number\)$/, 'Collection(Edm.Double)');

function csdl(types) {
  const byNamespace = new Map();
  for (const [name, t] of Object.entries(types).sort(([a], [b]) => a.localeCompare(b))) {
    const list = byNamespace.get(t.namespace) ?? [];
    list.push([name.slice(t.namespace.length + 1), t]);
    byNamespace.set(t.namespace, list);
  }
  const lines = ['<?xml version="1.0" encoding="utf-8"?>', '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">', '<edmx:DataServices>'];
  for (const [namespace, list] of [...byNamespace.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`<Schema Namespace="${namespace}" xmlns="http://docs.oasis-open.org/odata/ns/edm">`);
    for (const [short, t] of list) {
      if (t.kind === 'EnumType') {
        lines.push(`<EnumType Name="${esc(short)}"${t.isFlags ? ' IsFlags="true"' : ''}>`);
        t.members.forEach((m, i) => lines.push(`<Member Name="${esc(m)}" Value="${t.isFlags ? 2 ** i : i}" />`));
        lines.push('</EnumType>');
        continue;
      }
      const attrs = [`Name="${esc(short)}"`];
      if (t.baseType) attrs.push(`BaseType="${t.baseType}"`);
      if (t.abstract) attrs.push('Abstract="true"');
      if (t.openType) attrs.push('OpenType="true"');
      lines.push(`<${t.kind} ${attrs.join(' ')}>`);
      if (t.kind === 'EntityType' && !t.baseType) lines.push('<Key><PropertyRef Name="id" /></Key>');
      for (const p of t.properties ?? []) {
        const nullable = p.nullable === false ? ' Nullable="false"' : '';
        if (p.navigation) lines.push(`<NavigationProperty Name="${esc(p.name)}" Type="${edmType(p.type)}"${p.containsTarget ? ' ContainsTarget="true"' : ''} />`);
        else lines.push(`<Property Name="${esc(p.name)}" Type="${edmType(p.type)}"${nullable} />`);
      }
      lines.push(`</${t.kind}>`);
    }
    if (namespace === 'microsoft.graph') {
      lines.push('<EntityContainer Name="GraphService">');
      for (const c of CONTAINER) lines.push(c.kind === 'EntitySet' ? `<EntitySet Name="${c.name}" EntityType="${c.type}" />` : `<Singleton Name="${c.name}" Type="${c.type}" />`);
      lines.push('</EntityContainer>');
    }
    lines.push('</Schema>');
  }
  lines.push('</edmx:DataServices>', '</edmx:Edmx>');
  return lines.join('\n') + '\n';
}

export function generate() {
  const out = {};
  for (const version of VERSIONS) {
    const types = JSON.parse(readFileSync(join(root, 'test/fixtures/graph-schema', version, 'types-meta.json'), 'utf8'));
    out[version] = csdl({ ...types, ...USER_TYPES });
  }
  return [
    '// Generated by scripts/generate-csdl.mjs from test/fixtures/graph-schema/*/types-meta.json: do not edit.',
    '// The CSDL ($metadata) of the types the emulator serves, per Graph version.',
    '',
    `/** The entity sets and singletons at the service root (GET /v1.0/), in the container of each CSDL. */`,
    `export const SERVICE_ROOT: ReadonlyArray<{ readonly kind: 'EntitySet' | 'Singleton'; readonly name: string }> = ${JSON.stringify(CONTAINER.map(({ kind, name }) => ({ kind, name })))};`,
    '',
    `export const CSDL: Readonly<Record<'v1.0' | 'beta', string>> = {`,
    ...VERSIONS.map((v) => `  ${JSON.stringify(v)}: ${JSON.stringify(out[v])},`),
    '};',
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = generate();
  if (process.argv.includes('--check')) {
    const current = readFileSync(OUT, 'utf8');
    if (current !== text) {
      console.error(`${OUT} is out of date: run node scripts/generate-csdl.mjs`);
      process.exit(1);
    }
  } else {
    writeFileSync(OUT, text);
  }
}
