import { Ajv } from 'ajv';

/**
 * graph-schema has no microsoft.graph.user, so the users tests check against this one, written from the
 * v1.0 CSDL (Edm.String nullable; businessPhones/otherMails/... Collection(Edm.String) Nullable="false";
 * accountEnabled Edm.Boolean). Strict like schema.strict.json: unknown keys fail, annotations pass.
 */
const nullableString = { type: ['string', 'null'] } as const;
const strings = { type: 'array', items: { type: 'string' } } as const;

const USER = {
  type: 'object',
  propertyNames: {
    anyOf: [
      { pattern: '@' },
      {
        enum: [
          'id',
          'businessPhones',
          'displayName',
          'givenName',
          'jobTitle',
          'mail',
          'mobilePhone',
          'officeLocation',
          'preferredLanguage',
          'surname',
          'userPrincipalName',
          'accountEnabled',
          'userType',
          'mailNickname',
          'otherMails',
          'proxyAddresses',
          'imAddresses',
          'identities',
          'department',
          'city',
          'usageLocation',
        ],
      },
    ],
  },
  properties: {
    '@odata.context': { type: 'string' },
    id: { type: 'string' },
    businessPhones: strings,
    displayName: nullableString,
    givenName: nullableString,
    jobTitle: nullableString,
    mail: nullableString,
    mobilePhone: nullableString,
    officeLocation: nullableString,
    preferredLanguage: nullableString,
    surname: nullableString,
    userPrincipalName: nullableString,
    accountEnabled: { type: ['boolean', 'null'] },
    userType: nullableString,
    mailNickname: nullableString,
    otherMails: strings,
    proxyAddresses: strings,
    imAddresses: strings,
    identities: { type: 'array', items: { type: 'object' } },
    department: nullableString,
    city: nullableString,
    usageLocation: nullableString,
  },
} as const;

const validate = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true }).compile(USER);

export function expectGraphUser(body: unknown): void {
  if (!validate(body)) throw new Error(`not a valid microsoft.graph.user:\n${JSON.stringify(validate.errors, null, 2)}\n${JSON.stringify(body)}`);
}
