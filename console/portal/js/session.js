// sessionStorage: the portal token lasts for this tab only and is taken out of the URL at once.
const TOKEN = 'rowhook.portalToken';
const INFO = 'rowhook.portalSession';

export const session = {
  token: () => sessionStorage.getItem(TOKEN),
  /** {tenantId, readOnly, expiresAt} from GET /v1/portal-session. */
  info: () => JSON.parse(sessionStorage.getItem(INFO) ?? 'null'),
  readOnly: () => session.info()?.readOnly === true,
  signIn: (token, info) => {
    sessionStorage.setItem(TOKEN, token);
    sessionStorage.setItem(INFO, JSON.stringify(info));
  },
  signOut: () => {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(INFO);
  },
};

/**
 * The portal link carries the token in its fragment (#token=rps_…): browsers send fragments to no
 * server. Taken out of the address bar (and history) before anything else runs.
 */
export function takeTokenFromUrl() {
  const match = /^#token=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (!match) return undefined;
  history.replaceState(null, '', `${location.pathname}${location.search}#/`);
  return match[1];
}
