// sessionStorage: the token lasts for this tab only and never appears in a URL or in history.
const KEY = 'rowhook.adminToken';

export const session = {
  token: () => sessionStorage.getItem(KEY),
  signIn: (token) => sessionStorage.setItem(KEY, token),
  signOut: () => sessionStorage.removeItem(KEY),
};
