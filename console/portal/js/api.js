import { createApiClient } from '../common/js/shared/apiClient.js';
import { session } from './session.js';

export { ApiError } from '../common/js/shared/apiClient.js';

/** The API with the tenant's portal-session token (a tenant's view, read-only when the session is). */
export const { api, setUnauthorizedHandler } = createApiClient({
  mount: 'portal',
  token: () => session.token(),
  unreachable: 'The webhooks service could not be reached. Try again shortly.',
  service: 'The service',
});
