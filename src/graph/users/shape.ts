import { applySelect } from '../../http/odata/select.js';
import type { User } from '../../domain/users.js';

/** What GET /users/{id} returns without $select: Graph's default user projection. */
export function toGraphUser(user: User): Record<string, unknown> {
  return {
    businessPhones: [],
    displayName: user.displayName,
    givenName: user.givenName,
    jobTitle: user.jobTitle,
    mail: user.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: 'en-US',
    surname: user.surname,
    userPrincipalName: user.userPrincipalName,
    id: user.id,
  };
}

/** Properties outside the default projection that the emulator knows values for. */
function extraProperties(user: User): Record<string, unknown> {
  return {
    accountEnabled: true,
    userType: 'Member',
    mailNickname: user.userPrincipalName.split('@')[0] ?? null,
    otherMails: [],
    proxyAddresses: [],
    imAddresses: [],
    identities: [],
  };
}

/**
 * Structural properties of microsoft.graph.user (v1.0 CSDL) a client may $select. The emulator does not
 * model most of them: a selected one it has no value for comes back null, as an unset property does in Graph.
 */
export const USER_PROPERTIES = [
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
  'aboutMe',
  'accountEnabled',
  'ageGroup',
  'birthday',
  'city',
  'companyName',
  'consentProvidedForMinor',
  'country',
  'createdDateTime',
  'creationType',
  'deletedDateTime',
  'department',
  'employeeHireDate',
  'employeeId',
  'employeeLeaveDateTime',
  'employeeType',
  'externalUserState',
  'externalUserStateChangeDateTime',
  'faxNumber',
  'hireDate',
  'identities',
  'imAddresses',
  'isResourceAccount',
  'lastPasswordChangeDateTime',
  'legalAgeGroupClassification',
  'mailNickname',
  'mySite',
  'onPremisesDistinguishedName',
  'onPremisesDomainName',
  'onPremisesImmutableId',
  'onPremisesLastSyncDateTime',
  'onPremisesSamAccountName',
  'onPremisesSecurityIdentifier',
  'onPremisesSyncEnabled',
  'onPremisesUserPrincipalName',
  'otherMails',
  'passwordPolicies',
  'postalCode',
  'preferredDataLocation',
  'preferredName',
  'proxyAddresses',
  'securityIdentifier',
  'showInAddressList',
  'signInSessionsValidFromDateTime',
  'state',
  'streetAddress',
  'usageLocation',
  'userType',
] as const;

/** The user trimmed to a $select (canonical names); a selected property without a value is null. */
export function selectUser(user: User, select: readonly string[]): Record<string, unknown> {
  const known: Record<string, unknown> = { ...toGraphUser(user), ...extraProperties(user) };
  for (const item of select) {
    const head = item.split('/')[0] ?? item;
    if (head !== '*' && !Object.hasOwn(known, head)) known[head] = null;
  }
  return applySelect(known, select);
}
