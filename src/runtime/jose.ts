/**
 * jose, loaded when a token is first signed or verified rather than at start-up (its ES-module
 * graph cost ~40 ms of a ~400 ms start). Signing keys are read with node:crypto, so nothing before
 * the ready line needs it; the first token request pays the load once.
 */
let loading: Promise<typeof import('jose')> | undefined;

export const jose = (): Promise<typeof import('jose')> => (loading ??= import('jose'));
