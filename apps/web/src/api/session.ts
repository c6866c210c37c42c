/**
 * The access token lives in memory only (DESIGN.md §11): a script injected into the page cannot
 * read a long-lived credential; the refresh token is an httpOnly cookie that only /auth/refresh sees.
 */
export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  jurisdiction: 'beibei' | 'mianyang';
  role: 'officer' | 'manager' | 'admin';
  active: boolean;
}

interface SessionState {
  token: string | null;
  user: SessionUser | null;
}

const state: SessionState = { token: null, user: null };
const listeners = new Set<() => void>();

export const session = {
  get token() {
    return state.token;
  },
  get user() {
    return state.user;
  },
  set(token: string | null, user: SessionUser | null) {
    state.token = token;
    state.user = user;
    listeners.forEach((l) => l());
  },
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export const isManager = (user: SessionUser | null) => user?.role === 'manager' || user?.role === 'admin';
