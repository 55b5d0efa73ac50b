/** The identity platform's errors live in the one catalogue (http/errorCatalogue.ts); `entra` names them here for auth/. */
export { EntraError, EntraErrors as entra, type EntraErrorBody } from '../http/errorCatalogue.js';
