import { session } from './session.js';
import { createApiClient } from './shared/apiClient.js';

export { ApiError, isMissingRoute } from './shared/apiClient.js';

/** The API with the operator's admin token. */
export const { api, setUnauthorizedHandler } = createApiClient({
  mount: 'console',
  token: () => session.token(),
  unreachable: 'The API could not be reached. Check that Rowhook is running.',
  service: 'The API',
});
